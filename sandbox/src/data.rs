//! The deterministic fleet: cards, packages, pools, templates, all derived from the seed.
//!
//! Cards are generated eagerly but compactly (a few hundred bytes each; 100,000 cards load in
//! well under a second in release builds) and indexed by msisdn and iccid.

use std::collections::HashMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::render::RenderCache;

/// Mobile network operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Mno {
    CM,
    CT,
    UN,
}

impl Mno {
    pub fn code(self) -> &'static str {
        match self {
            Mno::CM => "CM",
            Mno::CT => "CT",
            Mno::UN => "UN",
        }
    }
}

/// A package of the catalog (what `card/pkg/get` lists and `card/pkg/renew` renews).
#[derive(Debug, Serialize)]
pub struct PkgDef {
    pub code: &'static str,
    pub name: &'static str,
    /// 1 month pack, 2 long pack, 3 add-on, 4 安心包.
    pub category: u8,
    /// 1 data, 2 voice, 3 NB, 4 SMS.
    pub pkgtype: u8,
    /// Minimum order in months (month packs 12) or the cycle of a long pack.
    pub buycycle: u32,
    /// kb; -1 is unlimited.
    pub totalflow: i64,
    /// Price per month in yuan.
    pub price: f64,
    pub main: bool,
}

const fn pkg(
    code: &'static str,
    name: &'static str,
    category: u8,
    buycycle: u32,
    totalflow: i64,
    price: f64,
) -> PkgDef {
    PkgDef {
        code,
        name,
        category,
        pkgtype: 1,
        buycycle,
        totalflow,
        price,
        main: category <= 2,
    }
}

/// The package catalog. Indices are stored in cards, so only append.
pub static CATALOG: &[PkgDef] = &[
    pkg("xagx010", "移动 100M 月包", 1, 12, 102_400, 2.4),
    pkg("xagx011", "移动 500M 月包", 1, 12, 512_000, 4.8),
    pkg("xagx020", "移动 1G 年包", 2, 12, 1_048_576, 4.0),
    pkg("xagx021", "移动 300M 季包", 2, 3, 307_200, 3.0),
    pkg("xagx040", "移动 1G 加油包", 3, 1, 1_048_576, 10.0),
    pkg(
        "xagx031",
        "安心包 10 元 100M(持续有效, 需主动关停)",
        4,
        1,
        -1,
        10.0,
    ),
    pkg("ctx010", "电信 1G 月度包", 1, 12, 1_048_576, 5.0),
    pkg("ctx020", "电信 2G 年包", 2, 12, 2_097_152, 6.0),
    pkg("unx010", "联通 500M 月包", 1, 12, 512_000, 4.5),
    pkg("unx020", "联通 1G 年包", 2, 12, 1_048_576, 4.2),
    pkg("1522", "电信 1G 月度包(流量池)", 1, 12, 1_048_576, 5.0),
    pkg("1548", "移动定向 1G 月包(流量池)", 1, 12, 1_048_576, 4.0),
];

pub fn pkg_index(code: &str) -> Option<u16> {
    CATALOG
        .iter()
        .position(|p| p.code == code)
        .map(|i| i as u16)
}

/// A package a card owns.
#[derive(Clone, Debug, Serialize)]
pub struct OwnedPkg {
    pub def: u16,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl OwnedPkg {
    pub fn def(&self) -> &'static PkgDef {
        &CATALOG[self.def as usize]
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Apn {
    pub name: String,
    pub active: bool,
}

/// One card and everything the sandbox knows about it.
#[derive(Clone, Debug, Serialize)]
pub struct Card {
    pub msisdn: String,
    pub iccid: String,
    pub imsi: String,
    pub imei: String,
    pub mno: Mno,
    /// System state: 0 disabled, 1 usable, 2 suspended.
    pub state: u8,
    /// 0 stock, 1 to activate, 2 normal, 3 stopped, 4 cancelled, 5 other, 6 test.
    pub msstatus: u8,
    /// 0 other, 1 test, 2 silent, 3 commercial.
    pub cycle: u8,
    pub activedate: Option<NaiveDate>,
    pub stoptestdate: Option<NaiveDate>,
    pub stopsleepdate: Option<NaiveDate>,
    pub statusyncdate: NaiveDate,
    pub pool: Option<u16>,
    pub pkgs: Vec<OwnedPkg>,
    pub apns: Vec<Apn>,
    pub power_on: bool,
    pub online: bool,
    pub ip: String,
    pub balance: f64,
    pub flowusage: f64,
    pub smsusage: u64,
    pub voiceusage: u64,
    pub connectusage: u64,
    pub outflowusage: f64,
    pub equipment: String,
    /// Whether the device answers SMS with an upstream message.
    pub replies: bool,
    pub whitelist: Vec<String>,
    /// `yyyymm` of the last whitelist deletion.
    pub whitelist_deleted: Option<u32>,
    /// (endpoint, business unix second until which it is refused).
    pub cooldowns: Vec<(String, i64)>,
    /// OD1010 warning types already sent this month.
    pub warned: Vec<u8>,
}

impl Card {
    /// The main package currently valid on `today` (the latest one), if any.
    pub fn main_pkg(&self, today: NaiveDate) -> Option<&OwnedPkg> {
        self.pkgs
            .iter()
            .filter(|p| p.def().main && p.start <= today && p.end >= today)
            .max_by_key(|p| p.end)
            .or_else(|| {
                self.pkgs
                    .iter()
                    .filter(|p| p.def().main)
                    .max_by_key(|p| p.end)
            })
    }

    /// Total flow of the valid data packages (kb); pooled cards report 0.
    pub fn pkg_total(&self, today: NaiveDate) -> f64 {
        if self.pool.is_some() {
            return 0.0;
        }
        self.pkgs
            .iter()
            .filter(|p| p.start <= today && p.end >= today && p.def().totalflow > 0)
            .map(|p| p.def().totalflow as f64)
            .sum()
    }

    pub fn expiredate(&self) -> Option<NaiveDate> {
        self.pkgs.iter().map(|p| p.end).max()
    }

    pub fn has_addon(&self, category: u8, today: NaiveDate) -> bool {
        self.pkgs
            .iter()
            .any(|p| p.def().category == category && p.start <= today && p.end >= today)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Pool {
    pub sid: String,
    pub poolid: String,
    pub poolname: String,
    pub pkgid: String,
    pub pkgname: String,
    pub pkgsize: i64,
    /// Cards of this pool that are not in our fleet (a sub-account's cards).
    pub foreign_cards: u32,
    pub foreign_active: u32,
    pub foreign_used: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Template {
    pub tplid: &'static str,
    pub text: &'static str,
}

pub static TEMPLATES: &[Template] = &[
    Template { tplid: "1001", text: "尊敬的@1@，您的物联网卡@2@，请及时处理。" },
    Template { tplid: "1002", text: "您的验证码是@1@，5分钟内有效。" },
    Template {
        tplid: "1003",
        text: "Dear @1@, your IoT card plan @2@ is about to expire. Please renew it in the customer portal before the end of this month to avoid any service interruption.",
    },
];

/// The sub-account whose pools `pool/list` includes.
pub const SUB_ACCOUNT_SID: &str = "1004301";

pub struct Fleet {
    /// Read freely; change a card only through [`Fleet::card_mut`].
    pub cards: Vec<Card>,
    pub by_msisdn: HashMap<String, u32>,
    pub by_iccid: HashMap<String, u32>,
    pub pools: Vec<Pool>,
    pub pool_members: Vec<Vec<u32>>,
    /// Answers rendered from the cards (`render.rs`).
    pub rendered: RenderCache,
}

impl Fleet {
    /// The card to change. Every change of a card goes through here: it drops the answers
    /// rendered from the card.
    pub fn card_mut(&mut self, idx: u32) -> &mut Card {
        self.rendered.invalidate(idx as usize);
        &mut self.cards[idx as usize]
    }

    pub fn find(&self, id: &str) -> Option<u32> {
        self.by_msisdn
            .get(id)
            .or_else(|| self.by_iccid.get(id))
            .copied()
    }
}

/// A 64-bit mix (splitmix64), for per-card figures that need no storage.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Rounds kb figures to two decimals, like the platform's `53479516.16`.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn digits(rng: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// Generates `n` cards from `seed`, with dates around `today`.
pub fn generate(n: usize, seed: u64, today: NaiveDate) -> Fleet {
    let mut rng = StdRng::seed_from_u64(seed);
    let msisdn_base: u64 = 870_000_000 + rng.random_range(0..10_000_000u64);
    let iccid_base: u64 = rng.random_range(1_000_000_000_000..5_000_000_000_000u64);
    let pool_count = (n / 100).clamp(1, 20);
    let mut pools: Vec<Pool> = (0..pool_count)
        .map(|i| {
            let cm = i % 2 == 0;
            Pool {
                sid: "10043".into(),
                poolid: format!("{}", 1310 + i),
                poolname: if cm {
                    format!("智慧监控上报 1G/月移动定向 {}", i + 1)
                } else {
                    format!("停车场项目 1G-M-{}P", i + 1)
                },
                pkgid: if cm { "1548".into() } else { "1522".into() },
                pkgname: if cm {
                    "移动定向 1G 月包".into()
                } else {
                    "电信 1G 月度包".into()
                },
                pkgsize: 1_048_576,
                foreign_cards: 0,
                foreign_active: 0,
                foreign_used: 0.0,
            }
        })
        .collect();
    for (i, name) in ["智慧监控上报 1G/月移动定向", "共享单车 500M 池"]
        .iter()
        .enumerate()
    {
        pools.push(Pool {
            sid: SUB_ACCOUNT_SID.into(),
            poolid: format!("{}", 1435 + i),
            poolname: (*name).into(),
            pkgid: "1548".into(),
            pkgname: "移动定向 1G 月包".into(),
            pkgsize: 1_048_576,
            foreign_cards: 10 + 5 * i as u32,
            foreign_active: 3 * i as u32,
            foreign_used: 1_234_567.0 * i as f64,
        });
    }
    let mut pool_members = vec![Vec::new(); pools.len()];
    let mut cards = Vec::with_capacity(n);
    let mut by_msisdn = HashMap::with_capacity(n);
    let mut by_iccid = HashMap::with_capacity(n);
    for i in 0..n {
        let r: u32 = rng.random_range(0..100);
        let mno = if r < 70 {
            Mno::CM
        } else if r < 85 {
            Mno::CT
        } else {
            Mno::UN
        };
        let prefix = if i % 2 == 0 { "1064" } else { "1440" };
        let msisdn = format!("{prefix}{:09}", msisdn_base + i as u64);
        let mno_digit = match mno {
            Mno::CM => '0',
            Mno::UN => '1',
            Mno::CT => '3',
        };
        let iccid = format!("89860{mno_digit}{:014}", iccid_base + i as u64 * 7);
        let imsi = match mno {
            Mno::CM => format!("46004{}", digits(&mut rng, 10)),
            Mno::CT => format!("46011{}", digits(&mut rng, 10)),
            Mno::UN => format!("46001{}", digits(&mut rng, 10)),
        };
        let imei = format!("86{}", digits(&mut rng, 13));
        let s: u32 = rng.random_range(0..100);
        let (msstatus, cycle) = match s {
            0..=74 => (2, 3),
            75..=79 => (1, 2),
            80..=87 => (3, 3),
            88..=94 => (6, 1),
            95..=96 => (0, 0),
            97 => (4, 0),
            _ => (5, 0),
        };
        let state = match rng.random_range(0..100u32) {
            0..=1 => 0,
            2..=3 => 2,
            _ => 1,
        };
        let age_days = rng.random_range(30..900u64);
        let activedate = (cycle == 3).then(|| today - Days::new(age_days));
        let stoptestdate =
            Some(today - Days::new(age_days) + Days::new(if cycle == 1 { 180 } else { 30 }));
        let stopsleepdate = Some(today - Days::new(age_days) + Days::new(180));
        let in_pool = i % 10 == 3;
        let pool = in_pool.then(|| {
            let p = (i / 10) % pool_count;
            pool_members[p].push(i as u32);
            p as u16
        });
        let mut pkgs = Vec::with_capacity(2);
        let main_code = if let Some(p) = pool {
            pools[p as usize].pkgid.as_str()
        } else {
            let long = rng.random_bool(0.4);
            match (mno, long) {
                (Mno::CM, false) => {
                    if rng.random_bool(0.5) {
                        "xagx010"
                    } else {
                        "xagx011"
                    }
                }
                (Mno::CM, true) => {
                    if rng.random_bool(0.8) {
                        "xagx020"
                    } else {
                        "xagx021"
                    }
                }
                (Mno::CT, false) => "ctx010",
                (Mno::CT, true) => "ctx020",
                (Mno::UN, false) => "unx010",
                (Mno::UN, true) => "unx020",
            }
        };
        let main = pkg_index(main_code).expect("catalog");
        let def = &CATALOG[main as usize];
        let start = first_of_month(today - Days::new(rng.random_range(0..300u64)));
        let months = if def.category == 2 { def.buycycle } else { 12 };
        let end = start + Months::new(months) - Days::new(1);
        // Some cards have let their package expire (no valid package).
        let expired = rng.random_range(0..100u32) < 3;
        let (start, end) = if expired {
            (
                start - Months::new(24),
                start - Months::new(12) - Days::new(1),
            )
        } else {
            (start, end)
        };
        pkgs.push(OwnedPkg {
            def: main,
            start,
            end,
        });
        if mno == Mno::CM && rng.random_range(0..100u32) < 15 {
            let m = first_of_month(today);
            pkgs.push(OwnedPkg {
                def: pkg_index("xagx040").expect("catalog"),
                start: m,
                end: m + Months::new(1) - Days::new(1),
            });
        }
        if mno == Mno::CM && rng.random_range(0..100u32) < 10 {
            let m = first_of_month(today);
            pkgs.push(OwnedPkg {
                def: pkg_index("xagx031").expect("catalog"),
                start: m,
                end: m + Months::new(12) - Days::new(1),
            });
        }
        let apns = match mno {
            Mno::CM if rng.random_range(0..100u32) < 20 => vec![apn("CMIOT"), apn("M2MIOT")],
            Mno::CM => vec![apn("CMIOT")],
            Mno::CT => vec![apn("CTNET")],
            Mno::UN => vec![apn("UNIM2M")],
        };
        let total = if expired || pool.is_some() {
            def.totalflow.max(0) as f64
        } else {
            def.totalflow as f64
        };
        let flowusage = round2(rng.random_range(0.0..1.1) * total);
        let outflowusage = if pool.is_none() && flowusage > total {
            round2(flowusage - total)
        } else {
            0.0
        };
        let working = msstatus == 2;
        let power_on = working && rng.random_bool(0.8);
        let online = power_on && rng.random_bool(0.7);
        let ip = if online {
            format!(
                "10.127.{}.{}",
                rng.random_range(0..256u32),
                rng.random_range(1..255u32)
            )
        } else {
            String::new()
        };
        let balance = if rng.random_range(0..100u32) < 3 {
            -1.6
        } else {
            0.0
        };
        let equipment = if rng.random_range(0..100u32) < 30 {
            format!("设备-{:05}", i + 1)
        } else {
            String::new()
        };
        let replies = mix(seed ^ (i as u64).wrapping_mul(31)).is_multiple_of(5);
        by_msisdn.insert(msisdn.clone(), i as u32);
        by_iccid.insert(iccid.clone(), i as u32);
        cards.push(Card {
            msisdn,
            iccid,
            imsi,
            imei,
            mno,
            state,
            msstatus,
            cycle,
            activedate,
            stoptestdate,
            stopsleepdate,
            statusyncdate: today - Days::new(rng.random_range(0..3u64)),
            pool,
            pkgs,
            apns,
            power_on,
            online,
            ip,
            balance,
            flowusage,
            smsusage: rng.random_range(0..20),
            voiceusage: 0,
            connectusage: rng.random_range(0..5),
            outflowusage,
            equipment,
            replies,
            whitelist: Vec::new(),
            whitelist_deleted: None,
            cooldowns: Vec::new(),
            warned: Vec::new(),
        });
    }
    Fleet {
        rendered: RenderCache::new(cards.len()),
        cards,
        by_msisdn,
        by_iccid,
        pools,
        pool_members,
    }
}

fn apn(name: &str) -> Apn {
    Apn {
        name: name.into(),
        active: true,
    }
}

pub fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

/// Usage of a past month, derived from the seed without storage:
/// (flow kb, sms, voice, connections, outflow kb).
pub fn past_usage(seed: u64, card: u32, yyyymm: u32) -> (f64, u64, u64, u64, f64) {
    let h = mix(seed ^ mix(card as u64) ^ (yyyymm as u64) << 20);
    let flow = round2((h % 2_000_000) as f64 + ((h >> 40) % 100) as f64 / 100.0);
    (flow, (h >> 8) % 30, 0, (h >> 16) % 6, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_well_formed() {
        let today = NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
        let a = generate(500, 7, today);
        let b = generate(500, 7, today);
        assert_eq!(a.cards[42].msisdn, b.cards[42].msisdn);
        assert_eq!(a.cards[42].imsi, b.cards[42].imsi);
        for c in &a.cards {
            assert_eq!(c.msisdn.len(), 13);
            assert!(cardboss::rules::is_msisdn(&c.msisdn));
            assert_eq!(c.iccid.len(), 20);
            assert!(c.iccid.starts_with("8986"));
            assert_eq!(c.imsi.len(), 15);
        }
        assert_eq!(a.by_msisdn.len(), 500);
        assert_eq!(a.by_iccid.len(), 500);
        assert!(a.cards.iter().any(|c| c.apns.len() > 1));
        assert!(a.cards.iter().any(|c| c.pool.is_some()));
    }
}
