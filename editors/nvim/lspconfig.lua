-- dockerfile-ls for nvim-lspconfig users (Neovim 0.8 - 0.10, or 0.11+ with
-- the older lspconfig API). nvim-lspconfig does not know dockerfile-ls (its
-- `dockerls` is a different server), so register it once, then set it up.
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

-- Same settings as lsp/dockerfile_ls.lua (the server's shape).
local settings = {
  rules = {}, -- e.g. { CopyBeforeInstall = 'error', SomeRule = 'off' }
  categories = { buildkit = true, cache = true, size = true },
  buildContext = '', -- absolute, or relative to the Dockerfile's folder
  sizes = 'inlayHints', -- 'inlayHints' | 'codeLens' | 'off'
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
