-- LEGACY: dockerfile-ls through nvim-lspconfig's `require('lspconfig')`
-- framework, which current nvim-lspconfig deprecates (on Neovim 0.11+ use
-- vim.lsp.config / vim.lsp.enable: snippets/nvim-0.11.lua). Kept for setups
-- still on an older nvim-lspconfig; not run by any test here.
-- nvim-lspconfig does not know dockerfile-ls (its `dockerls` is a different
-- server), so register it once, then set it up.
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

-- Same settings as lsp/dockerfile_ls.lua (the server's shape).
local settings = {
  -- rules = { HeavyBaseImage = 'off' }, -- rule -> 'off' | 'hint' | 'info' | 'warning' | 'error'
  categories = { syntax = true, buildkit = true, cache = true, size = true },
  buildContext = '', -- as `docker build` gets it: absolute, or relative to the Dockerfile's folder
  target = '', -- as `docker build --target`; '' checks every stage
  -- buildArgs = { PYTHON_VERSION = '3.12' }, -- as `docker build --build-arg`
  sizes = 'inlayHints', -- 'inlayHints' | 'codeLens' | 'off'
  formatMultiline = true, -- false: formatting leaves continuation lines as written
}

if not configs.dockerfile_ls then
  configs.dockerfile_ls = {
    default_config = {
      cmd = { 'dockerfile-ls', '--stdio' },
      filetypes = { 'dockerfile' },
      root_dir = util.root_pattern('Dockerfile', '.dockerignore', '.git'),
      single_file_support = true,
      init_options = settings,
      settings = { ['dockerfile-ls'] = settings },
    },
  }
end

require('lspconfig').dockerfile_ls.setup({})
