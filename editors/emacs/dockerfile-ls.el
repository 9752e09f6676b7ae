;;; dockerfile-ls.el --- Eglot setup for the dockerfile-ls language server  -*- lexical-binding: t; -*-

;; Load this file (or copy its forms into your init file) to use
;; dockerfile-ls with Eglot in `dockerfile-mode' (MELPA / Debian
;; elpa-dockerfile-mode) and `dockerfile-ts-mode' (Emacs 29+).
;;
;;   (load "/path/to/editors/emacs/dockerfile-ls.el")
;;   (add-hook 'dockerfile-mode-hook #'eglot-ensure)
;;   (add-hook 'dockerfile-ts-mode-hook #'eglot-ensure)

;;; Code:

(require 'eglot)

(defvar dockerfile-ls-program "dockerfile-ls"
  "Name or absolute path of the dockerfile-ls executable.")

(defvar dockerfile-ls-settings
  '(;; Per-rule severity: "off" | "hint" | "info" | "warning" | "error".
    ;; :rules (:CopyBeforeInstall "warning")
    :categories (:syntax t :buildkit t :cache t :size t) ; :json-false turns one off
    :buildContext ""     ; absolute, or relative to the Dockerfile's folder
    ;; :target "runtime" ; the stage to build, as docker build --target
    ;; :buildArgs (:PYTHON_VERSION "3.12") ; as docker build --build-arg
    :sizes "inlayHints"  ; or "codeLens" / "off"
    :formatMultiline t)  ; :json-false leaves continuation lines as written
  "Settings for dockerfile-ls.
Sent as initializationOptions and as the \"dockerfile-ls\" section of
`eglot-workspace-configuration' (the server asks for it with
workspace/configuration).")

(defun dockerfile-ls--contact (&optional _interactive)
  "Eglot contact for dockerfile-ls."
  (list dockerfile-ls-program "--stdio"
        :initializationOptions dockerfile-ls-settings))

;; Before Eglot's default (docker-langserver) entry for dockerfile-mode.
(add-to-list 'eglot-server-programs
             '((dockerfile-mode dockerfile-ts-mode) . dockerfile-ls--contact))

;; Answer workspace/configuration for section "dockerfile-ls".
(setq-default eglot-workspace-configuration
              (let ((conf (default-value 'eglot-workspace-configuration)))
                (cond ((functionp conf) conf) ; user computes it: leave it alone
                      ((consp (car-safe conf)) ; alist form ((SECTION . VALUE) ...)
                       (cons (cons 'dockerfile-ls dockerfile-ls-settings) conf))
                      (t (plist-put (copy-sequence conf) :dockerfile-ls
                                    dockerfile-ls-settings)))))

(provide 'dockerfile-ls)
;;; dockerfile-ls.el ends here
