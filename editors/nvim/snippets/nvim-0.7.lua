-- dockerfile-ls for Neovim 0.7 (init.lua; 0.7 has no vim.lsp.start)
local settings = {
  -- rules = { HeavyBaseImage = 'off' }, -- rule -> 'off' | 'hint' | 'info' | 'warning' | 'error'
  categories = { syntax = true, buildkit = true, cache = true, size = true },
  buildContext = '', -- as `docker build` gets it: absolute, or relative to the Dockerfile's folder
  target = '', -- as `docker build --target`; '' checks every stage
  -- buildArgs = { PYTHON_VERSION = '3.12' }, -- as `docker build --build-arg`
  sizes = 'inlayHints', -- 'inlayHints' | 'codeLens' | 'off'
  formatMultiline = true, -- false: formatting leaves continuation lines as written
}
-- The nearest folder upwards with a Dockerfile, .dockerignore or .git.
local function dockerfile_ls_root(file)
  local start = vim.fn.fnamemodify(file, ':p:h')
  local dir = start
  while true do
    for _, marker in ipairs({ 'Dockerfile', '.dockerignore', '.git' }) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end
local dockerfile_ls_clients = {} -- root folder -> client id, one server per root
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'dockerfile',
  callback = function(args)
    local root = dockerfile_ls_root(vim.api.nvim_buf_get_name(args.buf))
    local id = dockerfile_ls_clients[root]
    if not id or vim.lsp.client_is_stopped(id) then
      id = vim.lsp.start_client({
        name = 'dockerfile_ls',
        cmd = { 'dockerfile-ls', '--stdio' },
        root_dir = root,
        init_options = settings,
        settings = { ['dockerfile-ls'] = settings },
      })
      dockerfile_ls_clients[root] = id
    end
    if id then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})
