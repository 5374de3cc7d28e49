-- wrk script: GETs the paths of the file in BENCH_PATHS (one per line, already URL-encoded;
-- a line "HOST PATH" sends that Host header: the gate through nginx),
-- each thread starting at its own place and going round, so the requests spread over the
-- sample (bench/national_bench.py writes it: filed domains, numbers or unit names of the
-- registry; hosts for the gate). Answers other than 2xx are counted by wrk as usual.

local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    local host, path = line:match("^(%S+) (%S+)$")
    if host then
      table.insert(paths, {path = path, headers = {Host = host}})
    else
      table.insert(paths, {path = line})
    end
  end
  next_path = (index * 7919) % #paths + 1
end

function request()
  local p = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format("GET", p.path, p.headers)
end
