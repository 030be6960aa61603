-- wrk script: grows a hub's database fast for bench/ops.sh. Each report
-- carries ~12 KB of incompressible padding in a field the hub does not know
-- (kept verbatim, as PROTOCOL.md asks), so ~90,000 reports make ~1 GB.
local counter = 0
local tid = 0
local threads = {}
local pool = nil
-- Each wrk run of the fill loop (BENCH_RUN) gets its own stretch of past
-- timestamps, so no report repeats one already stored.
local base = os.time() - 4 * 365 * 86400 + tonumber(os.getenv("BENCH_RUN") or "0") * 1000000

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  tid = wrk.thread:get("tid") or 0
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "bench-key")
  wrk.headers["Content-Type"] = "application/json"
  math.randomseed(tid * 104729 + os.time())
  local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  local parts = {}
  for i = 1, 1048576 do
    local n = math.random(1, 64)
    parts[i] = alphabet:sub(n, n)
  end
  pool = table.concat(parts)
end

request = function()
  local n = counter % 1000
  local round = math.floor(counter / 1000)
  counter = counter + 1
  local id = string.format("fill-%d-%04d", tid, n)
  local off = math.random(1, #pool - 12288)
  local body = string.format(
    '{"customer_id":"%s","timestamp":"%s","health":"ok","controller_version":"1.8.2","bench_padding":"%s"}',
    id, os.date("!%Y-%m-%dT%H:%M:%SZ", base + round * 900), pool:sub(off, off + 12287))
  return wrk.format("POST", "/api/v1/report", nil, body)
end
