-- wrk script for bench/feed. MODE (env) picks the request: first (GET / as a signed-in
-- member), next (GET /?after=<that member's cursor>), post (GET /p/<id>), baseline, or
-- one of the baseline server's floors (floor_query, floor_leptos, floor_leptos_query).
-- Requests rotate over the members' session cookies, so 16 connections act as 16
-- signed-in clients. `done` prints one JSON line with percentiles and throughput.
local mode = os.getenv("MODE") or "first"
dofile(os.getenv("PREP"))
local i = 0
local floors = { floor_query = "/query", floor_leptos = "/leptos", floor_leptos_query = "/leptos-query" }

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  i = i + 1
  local k = (i % #tokens) + 1
  local headers = { ["Cookie"] = "rounds_session=" .. tokens[k], ["Accept"] = "text/html" }
  local path = "/"
  if mode == "next" then
    path = "/?after=" .. urlencode(cursors[k])
  elseif mode == "post" then
    path = "/p/" .. posts[(i % #posts) + 1]
  elseif floors[mode] then
    path = floors[mode]
  end
  return wrk.format("GET", path, headers)
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"mode":"%s","requests":%d,"errors":%d,"non2xx":%d,"rps":%.1f,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f}\n',
    mode, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
