-- Headless Neovim smoke test for dockerfile-ls (works on Neovim 0.7+).
--
--   PATH=/dir/with/dockerfile-ls:$PATH DFLS_WORKDIR=/tmp/dir \
--     nvim --headless -u NONE -i NONE -n -c 'luafile editors/nvim/snippets/nvim-0.7.lua' \
--       -c 'luafile editors/nvim/test/smoke.lua'
--
-- The user's config (one of editors/nvim/snippets/, run first, as init.lua
-- would be) must start the server when a Dockerfile opens; this file only
-- opens DFLS_WORKDIR/Dockerfile (from scripts/editors/test-nvim.sh) and
-- checks what the client attached to it does: the CopyBeforeInstall
-- diagnostic, the quick fix, the fixed file.
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

-- Client methods take the client with ':' from 0.11 on, with '.' before.
local method_calls = vim.fn.has('nvim-0.11') == 1
local function request_sync(client, method, params, bufnr)
  if method_calls then
    return client:request_sync(method, params, TIMEOUT, bufnr)
  end
  return client.request_sync(method, params, TIMEOUT, bufnr)
end

-- The client the config attached to bufnr under the name dockerfile_ls.
local function attached_client(bufnr)
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, c in pairs(all) do
    if c.name == 'dockerfile_ls' and vim.lsp.buf_is_attached(bufnr, c.id) then
      return c
    end
  end
end

ok_or_fail(function()
  local workdir = os.getenv('DFLS_WORKDIR')
  if not workdir or workdir == '' then
    return fail('set DFLS_WORKDIR (folder with the Dockerfile)')
  end

  -- Keep the raw LSP diagnostics: 0.7 does not advertise
  -- publishDiagnostics.dataSupport, so we hand the server back exactly what
  -- it sent (including `data`) in the codeAction context.
  local raw = {}
  local path = workdir .. '/Dockerfile'
  local uri -- the Dockerfile's, once it is open
  local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result and result.uri == uri then
      raw = result.diagnostics
    end
    return publish(err, result, ctx, config)
  end

  vim.cmd('filetype on')
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  uri = vim.uri_from_bufnr(bufnr)
  if vim.bo[bufnr].filetype ~= 'dockerfile' then
    return fail('Dockerfile got filetype "' .. vim.bo[bufnr].filetype .. '", want dockerfile')
  end

  local client
  vim.wait(TIMEOUT, function()
    client = attached_client(bufnr)
    return client ~= nil
  end, 50)
  if not client then
    return fail('no client named dockerfile_ls attached to the Dockerfile within ' .. TIMEOUT .. ' ms (is dockerfile-ls on PATH?)')
  end
  local client_id = client.id
  say('client attached: ' .. table.concat(client.config.cmd, ' ') .. ' (root ' .. tostring(client.config.root_dir) .. ')')
  local function exited()
    if method_calls then
      return client:is_stopped()
    end
    return vim.lsp.client_is_stopped(client_id)
  end

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
    return diag ~= nil or exited()
  end, 50)
  if exited() then
    return fail('server exited early')
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

  local params = {
    textDocument = { uri = uri },
    range = diag.range,
    context = { diagnostics = { diag }, only = { 'quickfix' } },
  }
  local resp, rerr = request_sync(client, 'textDocument/codeAction', params, bufnr)
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
    local res = request_sync(client, 'codeAction/resolve', action, bufnr)
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
    local res = request_sync(client, 'workspace/executeCommand', {
      command = cmd_obj.command, arguments = cmd_obj.arguments,
    }, bufnr)
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

  if method_calls then
    client:stop()
  else
    client.stop()
  end
  vim.wait(5000, exited, 50)
  say('PASS')
  vim.cmd('qall!')
end)
