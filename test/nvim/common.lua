-- What the Neovim LSP client scripts (lsp.lua, nftables.lua) share, loaded by each with dofile from its own folder:
--   local common = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/common.lua')
local M = {}

--- The text of the server's hover at `params` (markup's value; other contents as JSON), or vim.NIL when it gave none.
function M.hover_text(buf, client_id, params, timeout)
  local hovers = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, timeout) or {}
  local h = hovers[client_id]
  if h and h.result and h.result.contents then
    local c = h.result.contents
    return type(c) == 'table' and (c.value or vim.fn.json_encode(c)) or c
  end
  return vim.NIL
end

--- The first diagnostic of `buf` with code `code`, or nil.
function M.diagnostic_with_code(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return d
    end
  end
  return nil
end

--- Stops the client and waits (up to 5 s) until the server has gone.
function M.stop(client_id)
  vim.lsp.stop_client(client_id)
  vim.wait(5000, function()
    return vim.lsp.client_is_stopped(client_id)
  end, 20)
end

--- Runs `run` protected (its error goes to result.error), writes `result` as JSON to `out` and quits Neovim.
function M.finish(run, result, out)
  local ok, err = pcall(run)
  if not ok then
    result.error = tostring(err)
  end
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

return M
