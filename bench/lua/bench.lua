-- One wrk script for every HTTP row of the benchmark (bench/run.py passes the arguments).
--   wrk ... -s bench.lua URL -- MODE BODYFILE RATE RANDOM_XFF COOKIE
-- MODE: post (POST BODYFILE as JSON to the URL path), form (GET then POST BODYFILE as a form,
-- like a browser), status (POST each receipt code of BODYFILE in turn), get (GET the path).
-- RATE: requests per second per connection (0: as fast as possible). RANDOM_XFF=1: every
-- request from another client address (X-Forwarded-For), i.e. many reporters at once.
-- done() prints one JSON line: counts, statuses, latency percentiles, receipt codes answered.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local function read_file(path)
  local f = assert(io.open(path, "r"))
  local text = f:read("*a")
  f:close()
  return text
end

function init(args)
  mode = args[1] or "get"
  local bodyfile = args[2] or ""
  rate = tonumber(args[3] or "0") or 0
  random_xff = (args[4] == "1")
  cookie = args[5] or ""
  statuses = {}
  codes = {}
  step = 0
  math.randomseed(os.time() + id * 7919)
  if mode == "status" then
    receipt = {}
    for line in read_file(bodyfile):gmatch("[^\r\n]+") do
      table.insert(receipt, line)
    end
    step = id * 131
  elseif bodyfile ~= "" then
    body = read_file(bodyfile)
  end
  path = wrk.path
end

local function headers(content_type)
  local h = { ["X-Forwarded-Proto"] = "https", ["Accept"] = "text/html,application/json" }
  if content_type then h["Content-Type"] = content_type end
  if cookie ~= "" then h["Cookie"] = cookie end
  if random_xff then
    h["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  end
  return h
end

function delay()
  if rate > 0 then return 1000 / rate end
  return 0
end

function request()
  step = step + 1
  if mode == "post" then
    return wrk.format("POST", path, headers("application/json"), body)
  elseif mode == "form" then
    if step % 2 == 1 then
      return wrk.format("GET", path, headers(nil), nil)
    end
    return wrk.format("POST", path, headers("application/x-www-form-urlencoded"), body)
  elseif mode == "status" then
    local code = receipt[(step % #receipt) + 1]
    return wrk.format("POST", path, headers("application/json"), '{"receipt_code": "' .. code .. '"}')
  end
  return wrk.format("GET", path, headers(nil), nil)
end

function response(status, hdrs, resp_body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 and mode == "post" and resp_body then
    local code = resp_body:match('"receipt_code"%s*:%s*"(%d+)"')
    if code then table.insert(codes, code) end
  end
end

function done(summary, latency, requests)
  local all_statuses, all_codes = {}, {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do
      all_statuses[status] = (all_statuses[status] or 0) + n
    end
    for _, code in ipairs(thread:get("codes") or {}) do
      table.insert(all_codes, code)
    end
  end
  local parts = {}
  for status, n in pairs(all_statuses) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}, "statuses": {%s}, "codes": ["%s"]}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ", "), table.concat(all_codes, '", "')))
end
