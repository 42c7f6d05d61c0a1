-- The ceiling: wrk replays a fleet sync's requests, pre-signed by harness.py (the sandbox runs
-- with a wide --ts-window so that they stay valid), once each, with -c connections in flight.
-- usage: wrk -t1 -cN -d3600s -s sync.lua BASE_URL -- PATHS_FILE
-- Every answer must be HTTP 200 with code "0" (checked by a plain substring search: the ceiling
-- does not decode). When every path has been answered, the thread stops and SIGINTs wrk (see below), whose
-- done() prints one line: BENCHJSON {"responses":N,"failed":F,"seconds":S,"total":T}.
local paths = {}
local total = 0
local sent = 0
local answered = 0
local failed = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  total = #paths
end

function request()
  sent = sent + 1
  -- After the last path, connections still asking get repeats; they are not counted.
  return wrk.format("GET", paths[((sent - 1) % total) + 1])
end

function response(status, headers, body)
  if answered >= total then return end
  answered = answered + 1
  if status ~= 200 or not string.find(body, '"code":"0"', 1, true) then
    failed = failed + 1
  end
  if answered == total then
    wrk.thread:set("answered", answered)
    wrk.thread:set("failed", failed)
    wrk.thread:set("total", total)
    wrk.thread:stop()
    -- wrk's main thread sleeps for -d; SIGINT ends that sleep, but only once it reaches the
    -- main thread, i.e. after this worker thread has exited: repeat it every 2 ms until wrk ends
    -- (so the measured time may include a few ms of this).
    os.execute("(while kill -INT $PPID 2>/dev/null; do sleep 0.002; done) >/dev/null 2>&1 &")
  end
end

function done(summary, latency, requests)
  local answered, failed, total = 0, 0, 0
  for _, t in ipairs(threads) do
    answered = answered + (t:get("answered") or 0)
    failed = failed + (t:get("failed") or 0)
    total = total + (t:get("total") or 0)
  end
  io.write(string.format('BENCHJSON {"responses":%d,"failed":%d,"total":%d,"seconds":%.6f}\n',
    answered, failed, total, summary.duration / 1e6))
end
