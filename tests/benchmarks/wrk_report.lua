-- wrk's --latency prints only p50/75/90/99 and counts only statuses >= 400, so this hook
-- prints one machine-readable line with exact p50/p95 and every non-2xx response.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non_2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local total_non_2xx = 0
  for _, thread in ipairs(threads) do
    total_non_2xx = total_non_2xx + thread:get("non_2xx")
  end
  local errors = summary.errors
  io.write(string.format(
    "coaction-bench requests=%d duration_us=%d p50_us=%d p95_us=%d non_2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), total_non_2xx,
    errors.connect + errors.read + errors.write + errors.timeout))
end
