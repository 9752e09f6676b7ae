-- dockerfile-ls for Neovim 0.8 to 0.10 (init.lua)
local settings = {
  -- rules = { HeavyBaseImage = 'off' }, -- rule -> 'off' | 'hint' | 'info' | 'warning' | 'error'
  categories = { syntax = true, buildkit = true, cache = true, size = true },
  buildContext = '', -- as `docker build` gets it: absolute, or relative to the Dockerfile's folder
  target = '', -- as `docker build --target`; '' checks every stage
  -- buildArgs = { PYTHON_VERSION = '3.12' }, -- as `docker build --build-arg`
  sizes = 'inlayHints', -- 'inlayHints' | 'codeLens' | 'off'
  formatMultiline = true, -- false: formatting leaves continuation lines as written
}
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'dockerfile',
  callback = function(args)
    local file = vim.api.nvim_buf_get_name(args.buf)
    local marker = vim.fs.find({ 'Dockerfile', '.dockerignore', '.git' }, { upward = true, path = vim.fs.dirname(file) })[1]
    -- vim.lsp.start reuses the running client of the same name and root.
    vim.lsp.start({
      name = 'dockerfile_ls',
      cmd = { 'dockerfile-ls', '--stdio' },
      root_dir = marker and vim.fs.dirname(marker) or vim.fs.dirname(file),
      init_options = settings,
      settings = { ['dockerfile-ls'] = settings },
    })
  end,
})
