-- Neovim (0.7+) as an LSP client of kube-netlint on an nftables ruleset: run headless by
-- test/nvim/nftables.test.ts as
--   nvim --headless --clean -n -i NONE -u NONE -c 'luafile test/nvim/nftables.lua'
-- Environment:
--   KN_SERVER   path of dist/server.js (started as `node KN_SERVER --stdio`)
--   KN_FILE     the ruleset to open (its folder is the node)
--   KN_OUT      where to write the JSON results
--   KN_RULE     the rule id whose diagnostics to wait for
--   KN_HOVER    'line:character' (0-based) to hover
--   KN_DEFINE   'line:character' (0-based) to ask the definition of
--   KN_TIMEOUT  milliseconds to wait for each server answer (default 20000)
-- Writes { diagnostics, hover, definition, log } or { error } and quits.

local common = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/common.lua')

local server = assert(os.getenv('KN_SERVER'), 'KN_SERVER')
local file = assert(os.getenv('KN_FILE'), 'KN_FILE')
local out = assert(os.getenv('KN_OUT'), 'KN_OUT')
local rule = assert(os.getenv('KN_RULE'), 'KN_RULE')
local timeout = tonumber(os.getenv('KN_TIMEOUT') or '20000')

local result = { log = {} }

local function position(var)
  local l, c = string.match(assert(os.getenv(var), var), '^(%d+):(%d+)$')
  return { line = tonumber(l), character = tonumber(c) }
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  -- The LSP languageId is the filetype: name it as VS Code does.
  vim.bo[buf].filetype = 'nftables'

  local client_id = vim.lsp.start_client({
    name = 'kube-netlint',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
    handlers = {
      ['window/logMessage'] = function(_, params)
        table.insert(result.log, params.message)
      end,
    },
  })
  assert(client_id, 'vim.lsp.start_client failed')
  assert(vim.lsp.buf_attach_client(buf, client_id), 'buf_attach_client failed')

  local function ours()
    local list = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(list, { code = d.code, severity = d.severity, lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, source = d.source, message = d.message })
    end
    return list
  end
  local ok = vim.wait(timeout, function()
    return common.diagnostic_with_code(buf, rule) ~= nil
  end, 20)
  result.diagnostics = ours()
  if not ok then
    error(string.format('no %s diagnostic within %d ms', rule, timeout))
  end

  local uri = vim.uri_from_bufnr(buf)
  result.hover = common.hover_text(buf, client_id, { textDocument = { uri = uri }, position = position('KN_HOVER') }, timeout)

  local defs = vim.lsp.buf_request_sync(buf, 'textDocument/definition', { textDocument = { uri = uri }, position = position('KN_DEFINE') }, timeout) or {}
  local d = defs[client_id]
  result.definition = (d and d.result) or vim.NIL

  common.stop(client_id)
end

common.finish(run, result, out)
