;;; smoke.el --- Headless Emacs + Eglot smoke test for dockerfile-ls  -*- lexical-binding: t; -*-

;; DFLS_BIN=/path/to/dockerfile-ls DFLS_WORKDIR=/tmp/dir \
;;   emacs --batch -Q -l editors/emacs/test/smoke.el
;;
;; Loads editors/emacs/dockerfile-ls.el, opens DFLS_WORKDIR/Dockerfile in
;; dockerfile-mode, lets Eglot start the server, waits for the
;; CopyBeforeInstall diagnostic (raw LSP and in Flymake), asks for quick
;; fixes with `eglot-code-actions', resolves the action with codeAction/resolve
;; when it has no edit, lets Eglot apply it, saves and checks the file.
;; Exits 0 on success, 1 with a "FAIL:" line otherwise.

;;; Code:

(require 'package)
;; -Q drops site-lisp; Debian's elpa-* packages live there.
(dolist (d '("/usr/share/emacs/site-lisp/elpa" "/usr/share/emacs/site-lisp/elpa-src"))
  (when (file-directory-p d) (add-to-list 'package-directory-list d)))
(package-initialize)
(require 'cl-lib)
(require 'subr-x)

(defvar dfls-test-timeout
  (/ (string-to-number (or (getenv "DFLS_TIMEOUT_MS") "20000")) 1000.0))

(defun dfls-test-say (fmt &rest args)
  (princ (concat "[emacs-test] " (apply #'format fmt args) "\n")))

(defun dfls-test-fail (fmt &rest args)
  (message "FAIL: %s" (apply #'format fmt args))
  (kill-emacs 1))

(defun dfls-test-wait (pred what)
  "Pump events until PRED is non-nil, or fail after `dfls-test-timeout' s."
  (let ((deadline (+ (float-time) dfls-test-timeout)) val)
    (while (and (not (setq val (funcall pred)))
                (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or val (dfls-test-fail "timed out after %.0fs waiting for %s" dfls-test-timeout what))))

(defvar dfls-test-raw-diags nil "Last raw publishDiagnostics for the Dockerfile.")

(defun dfls-test--capture (_server method &rest params)
  (when (eq method 'textDocument/publishDiagnostics)
    (setq dfls-test-raw-diags (append (plist-get params :diagnostics) nil))))

(defun dfls-test--find-diag ()
  (cl-find "CopyBeforeInstall" dfls-test-raw-diags
           :key (lambda (d) (plist-get d :code)) :test #'equal))

(defun dfls-test-check-server-log ()
  "Fail on a warning the server wrote to stderr (settings it could not read...)."
  (dolist (buf (buffer-list))
    (when (string-match-p "stderr" (buffer-name buf))
      (with-current-buffer buf
        (goto-char (point-min))
        (when (re-search-forward "level=\\(WARN\\|ERROR\\).*$" nil t)
          (dfls-test-fail "the server logged in %s: %s" (buffer-name buf) (match-string 0)))))))

(defun dfls-test-run ()
  (let* ((bin (getenv "DFLS_BIN"))
         (workdir (getenv "DFLS_WORKDIR"))
         (here (file-name-directory (or load-file-name buffer-file-name)))
         (file (expand-file-name "Dockerfile" workdir))
         (want (concat "FROM python:3.12-slim\nWORKDIR /app\n"
                       "COPY requirements.txt .\n"
                       "RUN pip install -r requirements.txt\n"
                       "COPY . .\nCMD [\"python\", \"app.py\"]\n")))
    (unless (and bin workdir)
      (dfls-test-fail "set DFLS_BIN and DFLS_WORKDIR"))
    (unless (require 'dockerfile-mode nil t)
      (dfls-test-fail "dockerfile-mode is not installed (apt-get install elpa-dockerfile-mode)"))
    (require 'eglot)
    (dfls-test-say "Emacs %s, eglot %s" emacs-version
                   (or (ignore-errors (package-desc-version
                                       (cadr (assq 'eglot package-alist))))
                       "built-in"))
    (load (expand-file-name "../dockerfile-ls.el" here) nil t)
    (setq dockerfile-ls-program bin)
    (setq eglot-sync-connect dfls-test-timeout
          eglot-connect-timeout dfls-test-timeout
          eglot-autoshutdown nil)
    (advice-add 'eglot-handle-notification :before #'dfls-test--capture)
    (add-hook 'dockerfile-mode-hook #'eglot-ensure)

    (find-file file)
    (unless (derived-mode-p 'dockerfile-mode)
      (dfls-test-fail "Dockerfile opened in %s, not dockerfile-mode" major-mode))
    ;; eglot-ensure connects from post-command-hook; there are no commands in
    ;; batch mode, so run what it queued.
    (run-hooks 'post-command-hook)
    (let ((server (dfls-test-wait #'eglot-current-server "eglot to connect")))
      (dfls-test-say "eglot connected: %s" (jsonrpc-name server))
      (let ((diag (dfls-test-wait #'dfls-test--find-diag "the CopyBeforeInstall diagnostic")))
        (let ((line (plist-get (plist-get (plist-get diag :range) :start) :line)))
          (unless (eql line 3)
            (dfls-test-fail "CopyBeforeInstall on line %s, want 4" (1+ line))))
        (unless (equal (plist-get diag :source) "dockerfile-ls")
          (dfls-test-fail "diagnostic source %S, want \"dockerfile-ls\"" (plist-get diag :source)))
        (dfls-test-say "diagnostic: [%s] %s" (plist-get diag :code) (plist-get diag :message))
        (goto-char (point-min))
        (forward-line 3)
        (let ((beg (line-beginning-position)) (end (line-end-position)))
          ;; Flymake must show it too (eglot-code-actions takes its diagnostics from there).
          (flymake-start)
          (dfls-test-wait (lambda () (flymake-diagnostics beg end)) "the Flymake diagnostic")
          (let* ((actions (condition-case err (eglot-code-actions beg end "quickfix")
                            (jsonrpc-error
                             (dfls-test-fail "textDocument/codeAction failed: %s"
                                             (alist-get 'jsonrpc-error-message (cddr err))))))
                 (action (cl-find-if (lambda (a) (string-prefix-p "Copy requirements.txt"
                                                                   (plist-get a :title)))
                                     actions)))
            (unless action
              (dfls-test-fail "no \"Copy requirements.txt...\" quick fix; got %S" actions))
            (dfls-test-say "code action: %s" (plist-get action :title))
            (unless (or (plist-get action :edit) (plist-get action :command))
              (setq action (jsonrpc-request server :codeAction/resolve action))
              (dfls-test-say "resolved with codeAction/resolve"))
            (unless (or (plist-get action :edit) (plist-get action :command))
              (dfls-test-fail "code action has neither edit nor command: %S" action))
            ;; Eglot's own code path for executing a chosen action.
            (eglot--read-execute-code-action (list action) server "quickfix")))
        (let ((got (buffer-substring-no-properties (point-min) (point-max))))
          (unless (equal (string-trim-right got) (string-trim-right want))
            (dfls-test-fail "buffer after quick fix:\n%s\n--- want:\n%s" got want)))
        (dfls-test-say "buffer reordered as expected")
        (save-buffer)
        (let ((disk (with-temp-buffer (insert-file-contents file) (buffer-string))))
          (unless (equal (string-trim-right disk) (string-trim-right want))
            (dfls-test-fail "file on disk after save:\n%s" disk)))
        (dfls-test-wait (lambda () (not (dfls-test--find-diag)))
                        "CopyBeforeInstall to disappear after the fix")
        (dfls-test-say "diagnostic cleared after the fix")
        (dfls-test-check-server-log)
        (ignore-errors (eglot-shutdown server))
        (dfls-test-say "PASS")))))

(condition-case err
    (progn (dfls-test-run) (kill-emacs 0))
  (error (dfls-test-fail "error: %S" err)))

;;; smoke.el ends here
