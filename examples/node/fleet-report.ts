// A fleet report in TypeScript: every card, its details in batches, the cards running low on
// data, with typed results and typed errors. Build and run: `npm run fleet-report` (same
// environment variables as quickstart.js).
import { Client, isCardbossError, type CardDetail, type CurrentUsage } from 'cardboss'

interface LowCard {
  msisdn: string
  operator: string
  leftKb: number
  usedPercent: number
}

async function report(client: Client, thresholdPercent: number): Promise<LowCard[]> {
  const msisdns: string[] = []
  for await (const card of client.cards()) {
    if (card.state === 1) msisdns.push(card.msisdn)
  }
  // One call for the whole fleet: batches of 100, `concurrency` requests at a time.
  const [details, usage]: [CardDetail[], CurrentUsage[]] = await Promise.all([
    client.cardDetails({ msisdns }),
    client.currentUsage({ msisdns }),
  ])
  const operator = new Map(details.map((d) => [d.msisdn, d.mno]))
  return usage
    .filter((u) => u.pkgtotalflow > 0)
    .map((u) => ({
      msisdn: u.msisdn,
      operator: operator.get(u.msisdn) ?? '?',
      leftKb: u.pkgleftflow,
      usedPercent: Math.round((100 * u.pkgusedflow) / u.pkgtotalflow),
    }))
    .filter((c) => c.usedPercent >= thresholdPercent)
    .sort((a, b) => b.usedPercent - a.usedPercent)
}

async function main(): Promise<void> {
  const client = Client.fromEnv({ concurrency: 8 })
  try {
    const low = await report(client, 80)
    console.table(low.slice(0, 20))
    console.log(`${low.length} cards have used 80 % or more of their package`)
  } catch (err: unknown) {
    if (isCardbossError(err)) {
      // e.g. code "1005" (kind "auth"): check the sid and apikey; "TIMEOUT": the platform is slow.
      console.error(`CardBOSS refused: ${err.code} (${err.kind}) at ${err.endpoint ?? '-'}: ${err.message}`)
      process.exitCode = 2
      return
    }
    throw err
  }
}

void main()
