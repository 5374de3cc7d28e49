-- wrk script: submits each draft of the file icp_bench_seed wrote ("<id> <token> <csrf>" per
-- line) once, as its own customer (session cookie, CSRF token, If-Match of the fresh draft).
-- The file is in SUBMIT_DRAFTS; wrk's threads take every n-th line so no draft goes twice.
-- Once a thread has sent all of its drafts it sends GET /healthz, counted apart in done().

local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  drafts = {}
  local stride = tonumber(os.getenv("SUBMIT_THREADS"))
  local n = 0
  for line in io.lines(os.getenv("SUBMIT_DRAFTS")) do
    if n % stride == index then
      local id, token, csrf = line:match("^(%d+) (%S+) (%S+)$")
      table.insert(drafts, {id = id, token = token, csrf = csrf})
    end
    n = n + 1
  end
  next_draft = 1
  sent = 0
end

function request()
  local d = drafts[next_draft]
  if d == nil then
    return wrk.format("GET", "/healthz")
  end
  next_draft = next_draft + 1
  sent = sent + 1
  return wrk.format("POST", "/v1/applications/" .. d.id .. ":submit", {
    ["Cookie"] = "icp_session=" .. d.token,
    ["X-CSRF-Token"] = d.csrf,
    ["If-Match"] = '"r1"',
    ["Content-Type"] = "application/json",
  }, "{}")
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("sent")
  end
  io.write(string.format("submissions sent: %d\n", total))
end
