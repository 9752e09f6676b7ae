-- dockerfile-ls configuration for Neovim 0.11+.
--
-- Neovim 0.11 reads `lsp/<name>.lua` files from the runtimepath: put this
-- directory (editors/nvim) on the runtimepath, or copy this file to
-- ~/.config/nvim/lsp/dockerfile_ls.lua, then call
--
--   vim.lsp.enable('dockerfile_ls')
--
-- Override single fields with vim.lsp.config('dockerfile_ls', { ... }).
-- scripts/editors/test-nvim.sh runs it this way on Neovim 0.11+.

-- Settings sent both as initializationOptions and in answer to the server's
-- workspace/configuration requests (section "dockerfile-ls").
local settings = {
  -- Per-rule severity: rule name -> "off" | "hint" | "info" | "warning" | "error"
  -- (`dockerfile-ls rules` lists them; BuildKit's checks are rules too).
  -- Leave maps out rather than empty: Neovim sends {} as a JSON array.
  -- rules = { HeavyBaseImage = 'off' },
  -- Switch whole rule categories on or off: parse errors, BuildKit's own
  -- build checks, what re-runs steps, what makes the image bigger.
  categories = {
    syntax = true,
    buildkit = true,
    cache = true,
    size = true,
  },
  -- Build context folder, as `docker build` gets it: absolute, or relative
  -- to the Dockerfile's folder ("" = the Dockerfile's folder).
  buildContext = '',
  -- The stage to build, as `docker build --target`; "" checks every stage.
  target = '',
  -- Build args, as `docker build --build-arg NAME=VALUE`.
  -- buildArgs = { PYTHON_VERSION = '3.12' },
  -- Where size hints go: "inlayHints" | "codeLens" | "off".
  sizes = 'inlayHints',
  -- false: formatting leaves the continuation lines of multi-line
  -- instructions as written.
  formatMultiline = true,
}
-- A .dockerfile-ls.yaml (or compose / bake file) in the project wins over
-- these for what it sets.

return {
  cmd = { 'dockerfile-ls', '--stdio' },
  filetypes = { 'dockerfile' },
  root_markers = { 'Dockerfile', '.dockerignore', '.git' },
  init_options = settings,
  settings = { ['dockerfile-ls'] = settings },
}
