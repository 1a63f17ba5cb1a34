-- Requests the paths of a file (one a line) in order, round and round, from a starting offset: a
-- working set of many keys from one wrk thread (bench/lib/wrk.mjs passes the file and the offset
-- after `--`, so a run goes on where the last one on that server stopped). Reports as
-- wrk-report.lua does.
local paths = {}
local n = 0
local i = 0

init = function(args)
  i = tonumber(args[2] or "0")
  for line in io.lines(args[1]) do
    if line ~= "" then
      n = n + 1
      paths[n] = line
    end
  end
end

request = function()
  i = i % n + 1
  return wrk.format("GET", paths[i])
end

dofile("bench/lib/wrk-report.lua")
