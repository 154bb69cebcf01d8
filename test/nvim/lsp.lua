-- Neovim (0.7+) as a second LSP client of kube-netlint: run headless by test/nvim/nvim.test.ts as
--   nvim --headless --clean -n -i NONE -u NONE -c 'luafile test/nvim/lsp.lua'
-- Environment:
--   KN_SERVER    path of dist/server.js (started as `node KN_SERVER --stdio`)
--   KN_FILE      the iptables-save dump to open (its folder is the node)
--   KN_OUT       where to write the JSON results
--   KN_SCENARIO  'default' (no settings), 'push' (kubeNetlint settings sent with workspace/didChangeConfiguration
--                in on_init, as nvim-lspconfig does; also what workspace/configuration answers on clients that
--                pull), 'init' (settings only in initializationOptions)
--   KN_RULE      the rule id the scenario looks for
--   KN_TIMEOUT   milliseconds to wait for each server answer (default 20000)
-- Writes { scenario, server, diagnostics, hover, actions, fixedLine, afterFix, log } or { error } and quits.

local common = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/common.lua')

local server = assert(os.getenv('KN_SERVER'), 'KN_SERVER')
local file = assert(os.getenv('KN_FILE'), 'KN_FILE')
local out = assert(os.getenv('KN_OUT'), 'KN_OUT')
local scenario = os.getenv('KN_SCENARIO') or 'default'
local rule = assert(os.getenv('KN_RULE'), 'KN_RULE')
local timeout = tonumber(os.getenv('KN_TIMEOUT') or '20000')

local result = { scenario = scenario, log = {} }

local function note(msg)
  table.insert(result.log, msg)
end

--- Diagnostics of `buf` from our client, as plain tables.
local function diagnostics_of(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(list, {
      code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
      severity = d.severity,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      source = d.source,
      message = d.message,
    })
  end
  return list
end

local function find_rule(buf)
  return common.diagnostic_with_code(buf, rule)
end

-- Publishes seen, and how many had been seen when the server's settings request was answered: the
-- server re-lints every document once it has its settings, so a publish after that is the settled state.
local publishes = 0
local configured_at = nil

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  -- Neovim has no iptables filetype: the LSP languageId is the filetype, so name it as VS Code does.
  vim.bo[buf].filetype = 'iptables'

  local settings = { kubeNetlint = vim.empty_dict() }
  local init_options = vim.empty_dict()
  local rules = {}
  rules[rule] = 'warning'
  if scenario == 'push' then
    settings = { kubeNetlint = { rules = rules } }
  elseif scenario == 'init' then
    settings = vim.empty_dict()
    init_options = { settings = { rules = rules } }
  end

  local client_id = vim.lsp.start_client({
    name = 'kube-netlint',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
    settings = settings,
    init_options = init_options,
    on_init = function(c)
      -- Neovim 0.7 sends no settings by itself; nvim-lspconfig pushes them here.
      if scenario == 'push' then
        c.notify('workspace/didChangeConfiguration', { settings = c.config.settings })
      end
    end,
    on_exit = function(code, signal)
      note(string.format('server exited: code %s signal %s', tostring(code), tostring(signal)))
    end,
    handlers = {
      ['window/logMessage'] = function(_, params)
        note(params.message)
      end,
      ['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
        publishes = publishes + 1
        return vim.lsp.handlers['textDocument/publishDiagnostics'](err, params, ctx, config)
      end,
      ['workspace/configuration'] = function(err, params, ctx, config)
        local answer = vim.lsp.handlers['workspace/configuration'](err, params, ctx, config)
        configured_at = publishes
        note('workspace/configuration ' .. vim.fn.json_encode(params) .. ' answered ' .. vim.fn.json_encode(answer))
        return answer
      end,
    },
  })
  assert(client_id, 'vim.lsp.start_client failed')
  assert(vim.lsp.buf_attach_client(buf, client_id), 'buf_attach_client failed')

  local ok = vim.wait(timeout, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized == true
  end, 20)
  assert(ok, 'server did not initialize within ' .. timeout .. ' ms')
  local client = vim.lsp.get_client_by_id(client_id)
  result.server = client.server_capabilities and {
    hoverProvider = client.server_capabilities.hoverProvider,
    codeActionProvider = client.server_capabilities.codeActionProvider ~= nil,
  } or vim.NIL

  -- Diagnostics: vim.wait polls the event loop; publishDiagnostics lands in vim.diagnostic.
  -- Clients that advertise workspace/configuration (Neovim 0.8+) are asked for settings after the
  -- first lint: wait for the publish that follows the answer. Neovim 0.7 does not advertise it.
  local pulls = vim.lsp.protocol.make_client_capabilities().workspace.configuration == true
  result.pullsConfiguration = pulls
  ok = vim.wait(timeout, function()
    return find_rule(buf) ~= nil and (not pulls or (configured_at ~= nil and publishes > configured_at))
  end, 20)
  result.diagnostics = diagnostics_of(buf)
  if not ok then
    error(string.format('no settled %s diagnostic within %d ms (publishes %d, settings answered after %s)', rule, timeout, publishes, tostring(configured_at)))
  end
  local d = find_rule(buf)

  -- Hover on the diagnostic's token.
  local hover_params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = d.lnum, character = d.col + 2 },
  }
  result.hover = common.hover_text(buf, client_id, hover_params, timeout)

  -- Code actions for the diagnostic (its LSP form, with the server's `data`), then apply the first.
  local lsp_diag = vim.tbl_extend('force', d.user_data and d.user_data.lsp or {}, {
    range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    severity = d.severity,
    message = d.message,
    source = d.source,
    code = d.code,
  })
  local ca_params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag } },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', ca_params, timeout) or {}
  local actions = (responses[client_id] and responses[client_id].result) or {}
  result.actions = {}
  for _, a in ipairs(actions) do
    table.insert(result.actions, a.title)
  end
  -- The server fills a fix's edit on codeAction/resolve (as vim.lsp.buf.code_action does).
  if scenario == 'default' and actions[1] and not actions[1].edit then
    local resolved = vim.lsp.buf_request_sync(buf, 'codeAction/resolve', actions[1], timeout) or {}
    actions[1] = (resolved[client_id] and resolved[client_id].result) or actions[1]
  end
  if scenario == 'default' and actions[1] and actions[1].edit then
    vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding or 'utf-16')
    result.fixedLine = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
    ok = vim.wait(timeout, function()
      return find_rule(buf) == nil
    end, 20)
    result.afterFix = diagnostics_of(buf)
    if not ok then
      note('diagnostic still present after the fix')
    end
  end

  common.stop(client_id)
end

common.finish(run, result, out)
