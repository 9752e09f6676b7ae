-- dockerfile-ls configuration for Neovim 0.11+.
--
-- Neovim 0.11 reads `lsp/<name>.lua` files from the runtimepath: put this
-- directory (editors/nvim) on the runtimepath, or copy this file to
-- ~/.config/nvim/lsp/dockerfile_ls.lua, then call
--
--   vim.lsp.enable('dockerfile_ls')
--
-- Override single fields with vim.lsp.config('dockerfile_ls', { ... }).
-- The table is plain data so that older Neovim versions (and the smoke test
-- in editors/nvim/test/) can load it with dofile().

-- Settings sent both as initializationOptions and in answer to the server's
-- workspace/configuration requests (section "dockerfile-ls").
local settings = {
  -- Per-rule severity: rule name -> "off" | "hint" | "info" | "warning" | "error".
  rules = {
    -- CopyBeforeInstall = 'warning',
  },
  -- Switch whole rule categories on or off.
  categories = {
    buildkit = true,
    cache = true,
    size = true,
  },
  -- Build context folder: absolute, or relative to the Dockerfile's folder
  -- ("" = the Dockerfile's folder). A .dockerfile-ls.yaml in the project wins.
  buildContext = '',
  -- How image-size estimates are shown: "inlayHints" | "codeLens" | "off".
  sizes = 'inlayHints',
}

return {
  cmd = { 'dockerfile-ls', '--stdio' },
  filetypes = { 'dockerfile' },
  root_markers = { 'Dockerfile', '.dockerignore', '.git' },
  init_options = settings,
  settings = { ['dockerfile-ls'] = settings },
}
