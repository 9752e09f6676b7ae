-- dockerfile-ls for Neovim 0.11+ (init.lua)
local settings = {
  -- rules = { HeavyBaseImage = 'off' }, -- rule -> 'off' | 'hint' | 'info' | 'warning' | 'error'
  categories = { syntax = true, buildkit = true, cache = true, size = true },
  buildContext = '', -- as `docker build` gets it: absolute, or relative to the Dockerfile's folder
  target = '', -- as `docker build --target`; '' checks every stage
  -- buildArgs = { PYTHON_VERSION = '3.12' }, -- as `docker build --build-arg`
  sizes = 'inlayHints', -- 'inlayHints' | 'codeLens' | 'off'
  formatMultiline = true, -- false: formatting leaves continuation lines as written
}
vim.lsp.config('dockerfile_ls', {
  cmd = { 'dockerfile-ls', '--stdio' },
  filetypes = { 'dockerfile' },
  root_markers = { 'Dockerfile', '.dockerignore', '.git' },
  init_options = settings,
  settings = { ['dockerfile-ls'] = settings },
})
vim.lsp.enable('dockerfile_ls')
