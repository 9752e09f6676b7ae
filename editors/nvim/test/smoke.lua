-- Headless Neovim smoke test for dockerfile-ls (works on Neovim 0.7+).
--
--   DFLS_BIN=/path/to/dockerfile-ls DFLS_WORKDIR=/tmp/dir \
--     nvim --headless -u NONE -i NONE -n -c 'luafile editors/nvim/test/smoke.lua'
--
-- DFLS_WORKDIR must contain the Dockerfile from scripts/editors/test-nvim.sh.
-- Uses the server config from editors/nvim/lsp/dockerfile_ls.lua, but starts
-- the client with vim.lsp.start_client (0.7 has no vim.lsp.config/enable).
-- Exits 0 on success, 1 with a "FAIL:" line on failure.

local TIMEOUT = tonumber(os.getenv('DFLS_TIMEOUT_MS') or '') or 20000

local function say(msg)
  io.stdout:write('[nvim-test] ' .. msg .. '\n')
end

local function fail(msg)
  io.stderr:write('FAIL: ' .. msg .. '\n')
  vim.cmd('cquit! 1')
end

local function errstr(e)
  if type(e) == 'table' and e.message then
    return string.format('%s (code %s)', e.message, tostring(e.code))
  end
  return vim.inspect(e)
end

local function ok_or_fail(fn)
  local ok, err = xpcall(fn, debug.traceback)
  if not ok then
    fail('error: ' .. tostring(err))
  end
end

ok_or_fail(function()
  local bin = os.getenv('DFLS_BIN')
  local workdir = os.getenv('DFLS_WORKDIR')
  if not bin or bin == '' or not workdir or workdir == '' then
    return fail('set DFLS_BIN (server binary) and DFLS_WORKDIR (folder with the Dockerfile)')
  end

  -- Locate editors/nvim/lsp/dockerfile_ls.lua relative to this file.
  local this = debug.getinfo(1, 'S').source:gsub('^@', '')
  local nvim_dir = vim.fn.fnamemodify(this, ':p:h:h')
  local cfg = dofile(nvim_dir .. '/lsp/dockerfile_ls.lua')

  local cmd = vim.deepcopy(cfg.cmd)
  cmd[1] = bin

  vim.cmd('filetype on')
  local path = workdir .. '/Dockerfile'
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  if not vim.tbl_contains(cfg.filetypes, vim.bo[bufnr].filetype) then
    return fail('Dockerfile got filetype "' .. vim.bo[bufnr].filetype .. '", config expects ' .. table.concat(cfg.filetypes, ','))
  end
  local uri = vim.uri_from_bufnr(bufnr)

  -- Keep the raw LSP diagnostics: 0.7 does not advertise
  -- publishDiagnostics.dataSupport, so we hand the server back exactly what
  -- it sent (including `data`) in the codeAction context.
  local raw = {}
  local exited
  local client_id = vim.lsp.start_client({
    name = 'dockerfile_ls',
    cmd = cmd,
    root_dir = workdir,
    init_options = cfg.init_options,
    settings = cfg.settings,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        if result and result.uri == uri then
          raw = result.diagnostics
        end
        return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
      end,
    },
    on_exit = function(code, signal)
      exited = string.format('code=%s signal=%s', tostring(code), tostring(signal))
    end,
  })
  if not client_id then
    return fail('vim.lsp.start_client returned nil for ' .. bin)
  end
  vim.lsp.buf_attach_client(bufnr, client_id)
  say('client started: ' .. table.concat(cmd, ' '))

  local function find_diag()
    for _, d in ipairs(raw) do
      if d.code == 'CopyBeforeInstall' then
        return d
      end
    end
  end

  local diag
  vim.wait(TIMEOUT, function()
    diag = find_diag()
    return diag ~= nil or exited ~= nil
  end, 50)
  if exited then
    return fail('server exited early (' .. exited .. ')')
  end
  if not diag then
    return fail('no CopyBeforeInstall diagnostic within ' .. TIMEOUT .. ' ms; got: ' .. vim.inspect(raw))
  end
  if diag.range.start.line ~= 3 then
    return fail('CopyBeforeInstall expected on line 4, got line ' .. (diag.range.start.line + 1))
  end
  if diag.source ~= 'dockerfile-ls' then
    return fail('diagnostic source is ' .. tostring(diag.source) .. ', want dockerfile-ls')
  end
  local shown = vim.diagnostic.get(bufnr, { lnum = 3 })
  if #shown == 0 then
    return fail('diagnostic did not reach vim.diagnostic')
  end
  say('diagnostic: line ' .. (diag.range.start.line + 1) .. ' [' .. diag.code .. '] ' .. diag.message)

  local client = vim.lsp.get_client_by_id(client_id)
  local params = {
    textDocument = { uri = uri },
    range = diag.range,
    context = { diagnostics = { diag }, only = { 'quickfix' } },
  }
  local resp, rerr = client.request_sync('textDocument/codeAction', params, TIMEOUT, bufnr)
  if not resp or resp.err then
    return fail('textDocument/codeAction failed: ' .. errstr(rerr or (resp and resp.err)))
  end
  local action
  for _, a in ipairs(resp.result or {}) do
    if a.title and a.title:find('^Copy requirements.txt') then
      action = a
    end
  end
  if not action then
    return fail('no code action titled "Copy requirements.txt…"; got: ' .. vim.inspect(resp.result))
  end
  say('code action: ' .. action.title .. ' (kind ' .. tostring(action.kind) .. ')')

  if not action.edit and not action.command then
    local res = client.request_sync('codeAction/resolve', action, TIMEOUT, bufnr)
    if not res or res.err or not res.result then
      return fail('codeAction/resolve failed: ' .. errstr(res and res.err or res))
    end
    action = res.result
    say('resolved with codeAction/resolve')
  end
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
  end
  if action.command then
    local cmd_obj = type(action.command) == 'table' and action.command or action
    local res = client.request_sync('workspace/executeCommand', {
      command = cmd_obj.command, arguments = cmd_obj.arguments,
    }, TIMEOUT, bufnr)
    if not res or res.err then
      return fail('workspace/executeCommand failed: ' .. errstr(res and res.err or res))
    end
  end
  if not action.edit and not action.command then
    return fail('code action has neither edit nor command after resolve: ' .. vim.inspect(action))
  end

  local want = {
    'FROM python:3.12-slim',
    'WORKDIR /app',
    'COPY requirements.txt .',
    'RUN pip install -r requirements.txt',
    'COPY . .',
    'CMD ["python", "app.py"]',
  }
  local got
  vim.wait(TIMEOUT, function()
    got = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    while #got > 0 and got[#got] == '' do
      table.remove(got)
    end
    return vim.deep_equal(got, want)
  end, 50)
  if not vim.deep_equal(got, want) then
    return fail('buffer after quick fix:\n' .. table.concat(got, '\n') .. '\n--- want:\n' .. table.concat(want, '\n'))
  end
  say('buffer reordered as expected')

  vim.cmd('silent write')
  local disk = vim.fn.readfile(path)
  while #disk > 0 and disk[#disk] == '' do
    table.remove(disk)
  end
  if not vim.deep_equal(disk, want) then
    return fail('file on disk differs after :write')
  end

  -- The fix must make the diagnostic go away.
  vim.wait(TIMEOUT, function()
    return find_diag() == nil
  end, 50)
  if find_diag() then
    return fail('CopyBeforeInstall still reported after the fix')
  end
  say('diagnostic cleared after the fix')

  client.stop()
  vim.wait(5000, function()
    return exited ~= nil
  end, 50)
  say('PASS')
  vim.cmd('qall!')
end)
