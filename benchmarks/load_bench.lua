-- wrk script of benchmarks/load_bench.py (not meant to be run alone).
--
--   wrk -t N -c N -s benchmarks/load_bench.lua http://127.0.0.1:PORT -- MODE CONSENT_PATH ANSWERS LOG_DIR \
--       [SESSION_COOKIE CSRF SHOWN SECTION TOKEN_DIR]
--
-- MODE "views": every request is a GET of the consent page.
-- MODE "submit": every connection walks the respondent's path again and again, like a browser would:
--   GET consent (read the CSRF token) -> POST action=agree (302 to the first page) -> GET that page
--   -> POST the page with action=submit and ANSWERS (302 to /done) -> GET /done.
-- A flow that meets anything unexpected is counted as an error of its step and starts again.
-- MODE "post": only the final POST of the page (action=submit with ANSWERS), each on a response of its own
--   that load_bench.py started beforehand (consent given, page viewed): the thread's tokens are read from
--   TOKEN_DIR/tokens-<thread>.txt, the session cookie and CSRF token come as arguments.
--
-- wrk keeps one Lua state per thread, shared by that thread's connections, and calls response() of one
-- connection and request() of another in any order; the benchmark therefore runs exactly one connection per
-- thread (-t N -c N), so the state below is the state of one respondent's browser.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

-- thread state; every event is a line of this thread's log file, read by load_bench.py after wrk exits
-- (thread:get() of a table crashes Debian's wrk 4.1; C streams are flushed when wrk exits).
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  mode = args[1]
  consent_path = args[2]
  answers = args[3]
  log = assert(io.open(args[4] .. "/thread-" .. id .. ".log", "w"))
  step = "consent"
  cookie = "lang=ru"
  csrf, page_path, shown, token = nil, nil, "", nil
  sent_at, flow_started = 0, 0
  if mode == "post" then
    cookie = "lang=ru; session=" .. args[5]
    csrf, shown, section = args[6], args[7], args[8]
    tokens = {}
    for line in io.lines(args[9] .. "/tokens-" .. id .. ".txt") do
      tokens[#tokens + 1] = line
    end
    next_token = 1
    step = "submit"
  end
end

local function url_encode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function request()
  sent_at = now_ms()
  local headers = { Cookie = cookie }
  if mode == "post" then
    token = tokens[next_token]
    page_path = "/s/" .. token .. "/p/" .. section
    flow_started = sent_at
  end
  if mode == "views" or step == "consent" then
    flow_started = sent_at
    return wrk.format("GET", consent_path, headers)
  end
  if step == "agree" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", consent_path, headers, "action=agree&lang=ru&csrf_token=" .. url_encode(csrf))
  end
  if step == "page" then
    return wrk.format("GET", page_path, headers)
  end
  if step == "submit" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    log:write("S ", token, "\n") -- the final POST is on its way
    local body = "action=submit&csrf_token=" .. url_encode(csrf) .. "&shown=" .. url_encode(shown) .. "&" .. answers
    return wrk.format("POST", (page_path:gsub("%?.*", "")), headers, body)
  end
  return wrk.format("GET", "/s/" .. token .. "/done", headers)
end

local function fail(status)
  log:write("E ", step, " ", tostring(status), "\n")
  if mode == "post" then
    next_token = next_token + 1 -- never the same response twice: a retry is not what is measured
    if next_token > #tokens then
      log:write("X\n")
      wrk.thread:stop()
    end
    return
  end
  step = "consent"
end

local function location(headers)
  local value = headers["Location"] or headers["location"]
  if value then
    value = value:gsub("^https?://[^/]+", "")
  end
  return value
end

local function ok(name, elapsed)
  log:write("T ", name, " ", string.format("%.3f", elapsed), "\n")
end

function response(status, headers, body)
  local now = now_ms()
  local elapsed = now - sent_at
  local set_cookie = headers["Set-Cookie"] or headers["set-cookie"]
  if set_cookie then
    local session = set_cookie:match("session=([^;]*)")
    if session then
      cookie = "lang=ru; session=" .. session
    end
  end
  if mode == "views" then
    if status == 200 then
      ok("consent", elapsed)
    else
      fail(status)
    end
    return
  end
  if step == "consent" then
    csrf = status == 200 and body:match('name="csrf_token" value="([^"]+)"')
    if not csrf then
      return fail(status)
    end
    ok("consent", elapsed)
    step = "agree"
  elseif step == "agree" then
    page_path = status == 302 and location(headers)
    token = page_path and page_path:match("^/s/([^/]+)/p/")
    if not token then
      return fail(status)
    end
    log:write("G ", token, "\n") -- the server created a response
    ok("agree", elapsed)
    step = "page"
  elseif step == "page" then
    csrf = status == 200 and body:match('name="csrf_token" value="([^"]+)"')
    if not csrf then
      return fail(status)
    end
    shown = body:match('name="shown" value="([^"]*)"') or ""
    ok("page", elapsed)
    step = "submit"
  elseif step == "submit" then
    log:write("R ", token, "\n") -- the final POST was answered
    local target = status == 302 and location(headers)
    if not (target and target:match("/done$")) then
      return fail(status)
    end
    log:write("A ", token, "\n") -- accepted
    ok("submit", elapsed)
    step = "done"
    if mode == "post" then
      step = "submit"
      next_token = next_token + 1
      if next_token > #tokens then
        log:write("X\n") -- this thread ran out of prepared responses
        wrk.thread:stop()
      end
    end
  else
    if status ~= 200 then
      return fail(status)
    end
    ok("done", elapsed)
    ok("flow", now - flow_started)
    step = "consent"
  end
end

function done(summary, latency, requests)
  io.write(string.format("SUMMARY %d %.6f %d %d %d %d %d\n", summary.requests, summary.duration / 1e6,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  io.write(string.format("WRK_LATENCY %.3f %.3f %.3f\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
