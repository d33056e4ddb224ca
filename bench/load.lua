-- wrk script of the Althaus federation benchmark: POST the nested query on every request, count
-- as failed any response that is not HTTP 200 or carries GraphQL "errors", and print the summary
-- as one JSON line (prefixed BENCH_RESULT) for bench/run.py to read.
-- Usage: wrk -s bench/load.lua URL -- BODY_FILE [FAILURE_SAMPLE_FILE]
-- The first failed response of each thread is written to FAILURE_SAMPLE_FILE, to show what failed.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"), "cannot open request body file " .. tostring(args[1]))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  file:close()
  sample_path = args[2]
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  failed = 0
  not_ok = 0
  with_errors = 0
end

local function keep_sample(status, body)
  if failed == 1 and sample_path ~= nil then
    local out = io.open(sample_path, "ab")
    if out ~= nil then
      out:write("HTTP ", tostring(status), "\n", string.sub(body or "", 1, 4000), "\n")
      out:close()
    end
  end
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
    not_ok = not_ok + 1
    keep_sample(status, body)
  elseif body == nil or string.find(body, '"errors"', 1, true) or not string.find(body, '"data"', 1, true) then
    failed = failed + 1
    with_errors = with_errors + 1
    keep_sample(status, body)
  end
end

function done(summary, latency, requests)
  local failed_total, not_ok_total, errors_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    failed_total = failed_total + thread:get("failed")
    not_ok_total = not_ok_total + thread:get("not_ok")
    errors_total = errors_total + thread:get("with_errors")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"failed":%d,"non_200":%d,"graphql_errors":%d,' ..
    '"socket_connect":%d,"socket_read":%d,"socket_write":%d,"socket_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    failed_total, not_ok_total, errors_total,
    e.connect, e.read, e.write, e.timeout))
end
