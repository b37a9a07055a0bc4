-- wrk script: counts non-2xx answers and X-Cache hits, prints one JSON line at the end.
-- With WRK_PATHS set (a file of URL paths, one a line), each request takes one at random:
-- the search load's query mix (bench/search_mix.py).
local threads = {}

local paths_file = os.getenv("WRK_PATHS")
if paths_file and paths_file ~= "" then
  local paths = {}
  for line in io.lines(paths_file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  math.randomseed(math.floor(os.clock() * 1e6) + tonumber(tostring(paths):match("0x(%x+)") or "0", 16))
  request = function()
    return wrk.format("GET", paths[math.random(#paths)])
  end
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  hits = 0
  answers = 0
end

function response(status, headers, body)
  answers = answers + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  if headers["X-Cache"] == "hit" or headers["x-cache"] == "hit" then
    hits = hits + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total, hits_total, answers_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
    hits_total = hits_total + thread:get("hits")
    answers_total = answers_total + thread:get("answers")
  end
  local errors = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "rps": %.2f, "p50_ms": %.3f, "p99_ms": %.3f, '
      .. '"non2xx": %d, "socket_errors": %d, "cache_hits": %d, "answers": %d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, non2xx_total,
    errors.connect + errors.read + errors.write + errors.timeout, hits_total, answers_total))
end
