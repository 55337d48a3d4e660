"""Drive the book's notebooks in a real JupyterLab with Playwright and Debian's Chromium.

Shared by the test (tests/jupyterlab/test_lab.py) and the benchmark (benchmarks/jupyterlab.py):

- prepare_copy(): a temporary copy of book/, set up as `make lab` sets book/ up
  (tools/lab_setup.py: notebooks trusted, widget state saved with the notebook). JupyterLab
  autosaves, so the repository's notebooks are never opened.
- Lab: a JupyterLab server on 127.0.0.1 with a random free port and token, its data, runtime,
  config, user-settings and workspace directories inside the temporary directory (the user's
  own are neither read nor written); labextensions still come from the venv.
- launch_browser(): Debian's Chromium (never `playwright install`).
- Notebook: one open notebook in a page; what a reader does (open, step the steppers, Run >
  Run All Cells, move every control, save, close and reopen) and what the test checks.

Everything is found in the DOM; controls are discovered generically (every slider handle,
select, toggle button, text field, check box or button inside a widget's box), so a change in
a widget's structure does not need a change here. The JupyterLab app object is exposed
(--LabApp.expose_app_in_browser) only to observe: kernel status and the kernel's messages.
"""
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
import secrets

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
ARTIFACTS = ROOT / "test-artifacts" / "jupyterlab"
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTEBOOKS = sorted(p.name for p in BOOK.glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

sys.path.insert(0, str(ROOT / "tools"))
import lab_setup  # noqa: E402  (tools/lab_setup.py: the set-up `make lab` applies)


# --- the server -------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_copy(tmp):
    """Copy book/ to tmp/book and set it up as `make lab` does; returns (book copy, env)."""
    tmp = Path(tmp)
    book = tmp / "book"
    shutil.copytree(BOOK, book, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = lab_env(tmp)
    lab_setup.setup(sorted(book.glob("*.ipynb")), env=env)
    return book, env


def lab_env(tmp):
    """Environment with every per-user Jupyter directory inside tmp.

    JUPYTER_DATA_DIR holds the signature db `jupyter trust` writes and the server reads;
    jupyter_path() still lists the venv's share/jupyter after it, so labextensions are found.
    """
    tmp = Path(tmp)
    dirs = {"JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime", "JUPYTER_CONFIG_DIR": "config",
            "JUPYTERLAB_SETTINGS_DIR": "user-settings", "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
            "IPYTHONDIR": "ipython"}
    env = dict(os.environ)
    for var, sub in dirs.items():
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    env.pop("JUPYTERLAB_DIR", None)
    # No news or update checks (they would fetch from the network and show a toast).
    notif = tmp / "user-settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notif.parent.mkdir(parents=True, exist_ok=True)
    notif.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # Every cell rendered, not only those scrolled into view, so that checks see the whole notebook.
    tracker = tmp / "user-settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    return env


class Lab:
    """A JupyterLab server on root_dir; use as a context manager."""

    def __init__(self, root_dir, env, log_path):
        self.root_dir, self.env, self.log_path = Path(root_dir), env, Path(log_path)
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def __enter__(self):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [str(BIN / "jupyter"), "lab", "--allow-root", "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root_dir}",
             "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.root_dir)
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited ({self.proc.returncode}); see {self.log_path}")
            try:
                self.api("GET", "/api/status")
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not start in 90 s; see {self.log_path}")
                time.sleep(0.3)

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            self.shutdown_kernels()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()

    def api(self, method, path, timeout=10):
        req = urllib.request.Request(self.base + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        for s in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{s['id']}", timeout=30)
        for k in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{k['id']}", timeout=30)

    def url(self, notebook):
        # A fresh workspace per open, so no layout is restored from an earlier test.
        return f"{self.base}/lab/tree/{notebook}?reset&token={self.token}"


@contextlib.contextmanager
def lab_on_copy(prefix="mdlib-lab-"):
    """A set-up copy of book/ served by JupyterLab: yields (lab, book copy)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        book, env = prepare_copy(tmp)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with Lab(book, env, ARTIFACTS / "jupyter-lab.log") as lab:
            yield lab, book


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)


# --- what the notebook's JSON says should be on the page --------------------------------------

def expected_outputs(path):
    """(number of live widget outputs, number of steppers) in a notebook file."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    widgets = steppers = 0
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            widgets += WIDGET_MIME in data
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            steppers += html.count("data-stepper")
    return widgets, steppers


def expected_executions(path):
    """The number of code cells Run All sends to the kernel (JupyterLab skips empty ones)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip())


def saved_widget_state(path):
    """(model ids shown by the widget outputs, model ids whose state the notebook saved)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    shown = [out["data"][WIDGET_MIME]["model_id"] for c in nb["cells"] for out in c.get("outputs", [])
             if WIDGET_MIME in out.get("data", {})]
    state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return shown, set(state.get("state", {}))


# --- in-page helpers (installed once per page) --------------------------------------------------

_PAGE_JS = r"""
() => {
  if (window.__lt) return;
  const lt = window.__lt = {};
  lt.panel = () => {
    const app = window.jupyterapp; if (!app) return null;
    const w = app.shell.currentWidget;
    return (w && w.sessionContext && w.content && w.content.model) ? w : null;
  };
  lt.kernel = () => { const p = lt.panel(); return p && p.sessionContext.session && p.sessionContext.session.kernel; };
  lt.status = () => { const k = lt.kernel(); return k ? k.status : 'none'; };
  // Count execute requests and their replies + idle statuses, from the kernel's own messages.
  lt.track = () => {
    const k = lt.kernel();
    const run = lt.run = {sent: {}, replies: 0, idles: 0, n: 0, t0: performance.now(), tDone: null, aborted: 0, errors: 0};
    const onMsg = (_, args) => {
      const m = args.msg, type = m.header.msg_type;
      if (args.direction === 'send' && type === 'execute_request') { run.sent[m.header.msg_id] = 1; run.n++;
                                                                     run.tDone = null; return; }
      if (args.direction !== 'recv') return;
      const parent = m.parent_header && m.parent_header.msg_id;
      if (!parent || !run.sent[parent]) return;
      if (type === 'execute_reply') { run.replies++; if (m.content.status === 'aborted') run.aborted++;
                                      if (m.content.status === 'error') run.errors++; }
      if (type === 'status' && m.content.execution_state === 'idle') run.idles++;
      if (run.n > 0 && run.replies === run.n && run.idles === run.n) run.tDone = performance.now();
    };
    if (lt.unhook) lt.unhook();
    k.anyMessage.connect(onMsg);
    lt.unhook = () => k.anyMessage.disconnect(onMsg);
  };
  // A widget output: the renderer (an output node) holding a widget view, or its loading/error
  // text (the renderer then carries .jupyter-widgets itself). Text-only reprs do not count.
  lt.widgetOutputs = () => Array.from(document.querySelectorAll('.jp-Notebook .jp-OutputArea-output'))
      .filter(o => o.classList.contains('jupyter-widgets') || o.querySelector(':scope > .jupyter-widgets')
                   || /^(Loading widget|Error displaying widget)/.test(o.textContent.trim()));
  lt.widgetRoot = (i) => lt.widgetOutputs()[i].querySelector(':scope > .jupyter-widgets');
  // The widget renderers (ipywidgets' WidgetRenderer: its node is the output node) of the notebook's
  // widget outputs, with the model id each output names and the widget manager they render with.
  // A renderer that fails to find its model keeps the output (_rerenderMimeModel) for a retry when
  // the manager emits `restored`, unless the manager had already restored: then the error is final.
  lt.renderers = () => {
    const p = lt.panel(); if (!p) return [];
    const rows = [];
    for (const cell of p.content.widgets) {
      if (!cell.outputArea || !cell.model.outputs) continue;
      cell.outputArea.widgets.forEach((child, j) => {
        const kids = child.widgets || [];
        const r = kids.find(w => w && w._manager && '_rerenderMimeModel' in w);
        const out = j < cell.model.outputs.length ? cell.model.outputs.get(j) : null;
        const view = out && out.data && out.data['application/vnd.jupyter.widget-view+json'];
        if (!r || !view) return;
        if (!r.__ltWatched) { r.__ltWatched = true; r._manager.promise.then(m => { r.__ltManager = m; }); }
        rows.push({r, model_id: view.model_id});
      });
    }
    return rows;
  };
  // Per widget output: a view with its picture, a final error, or still pending (loading, or an
  // error the renderer will retry when the manager emits `restored`); whether the manager holds
  // the model the output names.
  // The manager has loaded the notebook's saved widget state: it holds every model saved there
  // (the restore registers them all at once).
  lt.savedStateLoaded = (m) => {
    const md = lt.panel().content.model.getMetadata('widgets');
    const st = md && md['application/vnd.jupyter.widget-state+json'];
    return Object.keys((st && st.state) || {}).every(id => m.has_model(id));
  };
  lt.widgetStates = () => lt.renderers().map(({r, model_id}) => {
    const text = r.node.textContent.trim(), m = r.__ltManager;
    const view = !!r.node.querySelector(':scope > .jupyter-widgets .widget-html-content');
    const error = /^Error displaying widget/.test(text);
    return {model_id, view, error, retry_pending: !!r._rerenderMimeModel, text: text.slice(0, 80),
            restored: m ? m.restoredStatus : null, held: m ? m.has_model(model_id) : null,
            state_loaded: m ? lt.savedStateLoaded(m) : null};
  });
  // Settled: each output's widget manager is set and restored, and every widget output shows its
  // view or a final error. "Error displaying widget" is not final while the renderer still holds
  // the output for a retry and the saved state is not loaded yet: a restore of the kernel's widgets
  // alone can end first, and the retry comes when the saved state's restore ends.
  lt.widgetsSettled = (n) => {
    const st = lt.widgetStates();
    return st.length >= n && st.every(s => s.restored && (s.view || (s.error && (!s.retry_pending
                                                                                   || s.state_loaded))));
  };
  // The picture: the box's own HTML widget (LiveWidget puts it last); else the largest HTML widget.
  lt.picture = (i) => {
    const root = lt.widgetRoot(i); if (!root) return null;
    const own = Array.from(root.children).filter(e => e.classList.contains('widget-html'));
    let pic = own[own.length - 1];
    if (!pic) pic = Array.from(root.querySelectorAll('.widget-html'))
                         .sort((a, b) => b.innerHTML.length - a.innerHTML.length)[0];
    return pic ? (pic.querySelector('.widget-html-content') || pic) : null;
  };
  // Every control in widget i: slider handles, selects, toggle buttons, text fields, check boxes, buttons.
  lt.controls = (i) => {
    const root = lt.widgetRoot(i); if (!root) return [];
    const label = (el) => {
      const box = el.closest('.widget-inline-hbox, .widget-toggle-buttons, .widget-slider, .widget-text, .widget-dropdown');
      const l = box && box.querySelector('.widget-label');
      return (l && l.textContent.trim()) || el.getAttribute('title') || el.textContent.trim() || '?';
    };
    const out = [];
    const add = (el, kind) => { el.setAttribute('data-lt-control', `${i}-${out.length}`);
                                out.push({sel: `[data-lt-control="${i}-${out.length}"]`, kind, label: label(el)}); };
    const kindOf = (el) => {
      if (el.classList.contains('noUi-handle')) return 'slider';
      if (el.classList.contains('widget-toggle-buttons')) return 'toggle';
      if (el.tagName === 'SELECT') return 'select';
      if (el.tagName === 'TEXTAREA') return 'text';
      if (el.tagName === 'BUTTON') return el.closest('.widget-toggle-buttons') ? null : 'button';
      const type = (el.getAttribute('type') || 'text').toLowerCase();
      return {text: 'text', search: 'text', number: 'number', range: 'range', checkbox: 'checkbox'}[type] || null;
    };
    root.querySelectorAll('.noUi-handle, .widget-toggle-buttons, select, textarea, button, input')
        .forEach(el => { const k = kindOf(el); if (k && !el.disabled) add(el, k); });
    return out;
  };
  // Arm a measurement on widget i's picture: times of user input events and of the first mutation.
  lt.arm = (i) => {
    const root = lt.widgetRoot(i), pic = lt.picture(i);
    const m = lt.measure = {events: [], tMut: null, before: pic.innerHTML};
    const onEvent = (e) => { if (m.tMut === null) m.events.push(performance.now()); };
    const types = ['keydown', 'input', 'change', 'click', 'pointerdown', 'mousedown'];
    types.forEach(t => root.addEventListener(t, onEvent, true));
    const obs = new MutationObserver(() => { if (m.tMut === null) m.tMut = performance.now(); });
    obs.observe(pic, {subtree: true, childList: true, characterData: true, attributes: true});
    m.disarm = () => { obs.disconnect(); types.forEach(t => root.removeEventListener(t, onEvent, true)); };
  };
  lt.result = (i) => {
    const m = lt.measure, pic = lt.picture(i);
    const before = m.events.filter(t => t <= m.tMut);
    return {changed: m.tMut !== null && pic.innerHTML !== m.before,
            mutated: m.tMut !== null,
            latency: (m.tMut !== null && before.length) ? m.tMut - before[before.length - 1] : null};
  };
}
"""


class Notebook:
    """One notebook open in a JupyterLab page."""

    def __init__(self, page, lab, name, book):
        self.page, self.lab, self.name, self.path = page, lab, name, Path(book) / name
        self.errors, self.console_errors = [], []
        self._watch(page)

    def _watch(self, page):
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("console", lambda m: self.console_errors.append(m.text[:300]) if m.type == "error" else None)

    def reload(self, timeout=90):
        """What a reader does on a broken page: open the notebook afresh in a new page of the same
        browser context. The old page is closed (its unsaved changes dropped); the kernel stays."""
        context, timeout_ms = self.page.context, 30000
        self.page.close()
        self.page = context.new_page()
        self.page.set_default_timeout(timeout_ms)
        self._watch(self.page)
        return self.open(timeout=timeout)

    # -- opening -------------------------------------------------------------------------------
    def open(self, timeout=90):
        self.page.goto(self.lab.url(self.name), wait_until="domcontentloaded", timeout=timeout * 1000)
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=timeout * 1000)
        self.page.evaluate(_PAGE_JS)
        self.page.wait_for_function(
            f"""() => {{ const p = __lt.panel();
                 return p && p.context.path.endsWith({json.dumps(self.name)}) && p.context.isReady
                        && p.sessionContext.isReady && __lt.status() === 'idle'; }}""",
            timeout=timeout * 1000)
        return self

    def wait_widgets_settled(self, n_expected, timeout=60):
        """Until the widget manager has restored and every widget output is final: its view with a
        picture, or an error the renderer will not retry (see __lt.widgetsSettled)."""
        self.page.wait_for_function(f"() => __lt.widgetsSettled({int(n_expected)})",
                                    timeout=timeout * 1000, polling=100)

    def widget_states(self):
        """Per widget output: model_id, view, error, retry_pending, held (the manager has the
        model), text."""
        return self.page.evaluate("() => __lt.widgetStates()")

    def widget_errors(self):
        """The widget outputs showing an error, as three lists of model ids.

        `missing`: the manager does not hold the model (the saved state lacks it, or the manager
        did not load it): a fault of the notebook or the set-up. `broken`: the manager holds it
        but its view could not be built (e.g. a model it refers to is missing). `late`: "model not
        found" although the manager holds the model: the renderer asked before the restore had
        registered it, gave up (get_model waits 2 s) after the manager had restored, and will not
        retry. That is jupyterlab_widgets' race under load (renderer.ts keeps the output for a
        retry only while the manager is not restored; ipywidgets issue #4026, open PRs
        #4040-#4042); opening the notebook again clears it.
        """
        states = self.widget_states()
        missing = [s["model_id"] for s in states if s["error"] and not s["held"]]
        found = [s for s in states if s["error"] and s["held"]]
        late = [s["model_id"] for s in found if "model not found" in s["text"]]
        broken = [s["model_id"] for s in found if "model not found" not in s["text"]]
        return missing, broken, late

    def all_cells_trusted(self):
        return self.page.evaluate("""() => { const cells = __lt.panel().content.model.cells; let ok = true;
            for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
              if (c.type === 'code' && c.outputs && c.outputs.length && !c.trusted) ok = false; }
            return ok; }""")

    def save_state_setting(self):
        return self.page.evaluate(
            "() => window.jupyterapp.commands.isToggled('@jupyter-widgets/jupyterlab-manager:saveWidgetState')")

    # -- what is on the page ---------------------------------------------------------------------
    def problems(self):
        """Error outputs and widget errors on the page (each a short description)."""
        return self.page.evaluate(r"""() => {
            const out = [];
            document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
              .forEach(e => { if (/Traceback/.test(e.textContent)) out.push('stderr: ' + e.textContent.slice(0, 300)); });
            document.querySelectorAll('.jp-Notebook .jp-RenderedText[data-mime-type*=error]')
              .forEach(e => out.push('error output: ' + e.textContent.slice(0, 300)));
            document.querySelectorAll('.jp-Notebook .jp-OutputArea-output').forEach(e => {
              if (/Error displaying widget/.test(e.textContent)) out.push('widget: ' + e.textContent.slice(0, 200));
              if (/^\s*(VBox|HBox)\(children=/.test(e.textContent)) out.push('widget shown as text: ' + e.textContent.slice(0, 120));
            });
            return out; }""")

    def raw_myst(self):
        """Markdown cells whose rendered text still shows MyST syntax (a directive fence)."""
        return self.page.evaluate(r"""() => Array.from(document.querySelectorAll('.jp-Notebook .jp-MarkdownCell'))
            .map(c => c.innerText).filter(t => /^\s*(:::|```)\{/m.test(t)).map(t => t.slice(0, 80))""")

    def widget_summary(self):
        """Per widget output: whether it rendered a view, how many controls it has, its picture's HTML."""
        return self.page.evaluate("""() => __lt.widgetOutputs().map((o, i) => {
            const root = __lt.widgetRoot(i), pic = root && __lt.picture(i);
            return {rendered: !!root, n_controls: root ? __lt.controls(i).length : 0,
                    picture: pic ? pic.innerHTML : null, text: o.textContent.slice(0, 120)}; })""")

    def widget(self, i):
        """A locator for widget output i (marked in the DOM, which a reopen rebuilds)."""
        self.page.evaluate(f"() => __lt.widgetOutputs()[{i}].setAttribute('data-lt-widget', '{i}')")
        return self.page.locator(f"[data-lt-widget='{i}']")

    def widget_title(self, i):
        """The last line of the code cell that displays widget i, e.g. mdlib.ui.convolution.PoolWidget(...) -> PoolWidget(...)."""
        return self.page.evaluate(f"""() => {{ const o = __lt.widgetOutputs()[{i}];
            const cell = __lt.panel().content.widgets.find(c => c.node.contains(o));
            const lines = cell ? cell.model.sharedModel.getSource().split('\\n').filter(l => l.trim()) : [];
            return lines.length ? lines[lines.length - 1].trim().replace(/^mdlib\\.ui\\.\\w+\\./, '') : '?'; }}""")

    def pictures(self):
        return [w["picture"] for w in self.widget_summary()]

    # -- steppers ----------------------------------------------------------------------------------
    def check_steppers(self, shot_prefix=None):
        """Click next on every stepper; returns one problem string per stepper that did not step."""
        steppers = self.page.locator(".jp-Notebook [data-stepper]")
        bad = []
        visible = ("el => ({frames: Array.from(el.querySelectorAll('[data-frame]')).filter(f => !f.hidden)"
                   ".map(f => f.dataset.frame), current: el.getAttribute('data-current')})")
        for i in range(steppers.count()):
            s = steppers.nth(i)
            s.scroll_into_view_if_needed(timeout=10000)
            before = s.evaluate(visible)
            nxt = s.locator('[data-step="next"]').first
            if not nxt.count():
                bad.append(f"stepper {i}: no next button")
                continue
            nxt.click(timeout=10000)
            self.page.wait_for_timeout(100)
            after = s.evaluate(visible)
            if not (len(before["frames"]) == 1 and len(after["frames"]) == 1 and before["frames"] != after["frames"]
                    and before["current"] != after["current"]):
                bad.append(f"stepper {i} did not step: {before} -> {after}")
            if shot_prefix:
                s.screenshot(path=f"{shot_prefix}.stepper{i}.png", timeout=10000)
        return steppers.count(), bad

    # -- running -----------------------------------------------------------------------------------
    def run_all(self, timeout=300):
        """Run > Run All Cells from the menu; wait for every execution's reply and idle status.

        Returns {n: execute requests, errors, aborted, seconds: click -> the last cell's idle}.
        """
        expected = expected_executions(self.path)
        self.page.evaluate("() => __lt.track()")
        self.page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        item = self.page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').first
        item.wait_for(state="visible", timeout=10000)
        self.page.evaluate("() => { __lt.run.t0 = performance.now(); }")
        item.click()
        self.page.wait_for_function(f"() => __lt.run.n >= {expected} && __lt.run.tDone !== null",
                                    timeout=timeout * 1000, polling=200)
        run = self.page.evaluate("() => ({n: __lt.run.n, aborted: __lt.run.aborted, errors: __lt.run.errors, "
                                 "seconds: (__lt.run.tDone - __lt.run.t0) / 1000})")
        return run

    def wait_idle(self, timeout=60):
        self.page.wait_for_function("() => __lt.status() === 'idle'", timeout=timeout * 1000, polling=50)

    # -- moving controls ---------------------------------------------------------------------------
    def controls(self, i):
        return self.page.evaluate(f"() => __lt.controls({i})")

    def move(self, i, control, step=0, timeout=10):
        """Move one control once (step varies the direction / the option) and wait for the picture.

        Returns {changed, latency (ms, input event -> first DOM change of the picture), moved, what}.
        """
        page = self.page
        loc = page.locator(control["sel"])
        loc.scroll_into_view_if_needed(timeout=10000)
        value_before = self._control_value(control)
        page.evaluate(f"() => __lt.arm({i})")
        what = ""
        kind = control["kind"]
        if kind in ("slider", "range"):
            now, lo, hi = loc.evaluate("el => [el.getAttribute('aria-valuenow'), el.getAttribute('aria-valuemin'), "
                                       "el.getAttribute('aria-valuemax')].map(Number)") if kind == "slider" else \
                loc.evaluate("el => [el.value, el.min, el.max].map(Number)")
            if lo == hi:
                page.evaluate("() => __lt.measure.disarm()")
                return {"changed": False, "latency": None, "moved": False, "what": f"cannot move (min = max = {lo})"}
            key = "ArrowLeft" if now >= hi or (step % 2 == 1 and now > lo) else "ArrowRight"
            loc.focus()
            loc.press(key)
            what = key
        elif kind == "select":
            options = loc.evaluate("el => Array.from(el.options).map(o => o.value)")
            current = loc.evaluate("el => el.value")
            others = [o for o in options if o != current]
            if not others:
                page.evaluate("() => __lt.measure.disarm()")
                return {"changed": False, "latency": None, "moved": False, "what": "only one option"}
            choice = others[step % len(others)]
            loc.select_option(value=choice)
            what = f"select {choice!r}"
        elif kind == "toggle":
            buttons = loc.locator("button")
            idx = [j for j in range(buttons.count()) if "mod-active" not in (buttons.nth(j).get_attribute("class") or "")]
            j = idx[step % len(idx)]
            what = f"click {buttons.nth(j).inner_text().strip()!r}"
            buttons.nth(j).click()
        elif kind == "text":
            current = loc.input_value()
            new = "2-3-2" if current.replace(" ", "") != "2-3-2" else "3-4-4-2"
            loc.fill(new)
            loc.press("Enter")
            what = f"type {new!r}"
        elif kind == "number":
            current = loc.input_value()
            new = str(float(current or 0) + (1 if step % 2 == 0 else -1)).rstrip("0").rstrip(".")
            loc.fill(new)
            loc.press("Enter")
            what = f"type {new!r}"
        else:  # checkbox, button
            loc.click()
            what = "click"
        try:
            page.wait_for_function("() => __lt.measure.tMut !== null", timeout=timeout * 1000, polling="raf")
            # Let the kernel finish (a change can cascade: a max moves, a value is clamped).
            page.wait_for_timeout(50)
            self.wait_idle(timeout=30)
        except Exception:
            pass
        res = page.evaluate(f"() => __lt.result({i})")
        page.evaluate("() => __lt.measure.disarm()")
        res["moved"] = self._control_value(control) != value_before
        res["what"] = what
        return res

    def _control_value(self, control):
        return self.page.locator(control["sel"]).evaluate("""el => {
            if (el.classList.contains('noUi-handle')) return el.getAttribute('aria-valuenow');
            if (el.classList.contains('widget-toggle-buttons'))
              return Array.from(el.querySelectorAll('button.mod-active')).map(b => b.textContent).join();
            if (el.type === 'checkbox') return String(el.checked);
            return el.value !== undefined ? String(el.value) : el.textContent; }""")

    # -- saving, closing -----------------------------------------------------------------------------
    def save(self, timeout=30):
        """File > Save Notebook; waits until the model is clean and the file on disk has changed."""
        mtime = self.path.stat().st_mtime_ns
        self.page.locator(".lm-MenuBar-itemLabel", has_text="File").first.click()
        item = self.page.locator('.lm-Menu-item[data-command="docmanager:save"]').first
        item.wait_for(state="visible", timeout=10000)
        item.click()
        deadline = time.monotonic() + timeout
        while self.path.stat().st_mtime_ns == mtime or self.page.evaluate("() => __lt.panel().context.model.dirty"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} was not saved in {timeout} s")
            time.sleep(0.2)

    def close_and_shutdown(self, timeout=30):
        """File > Close and Shut Down Notebook, confirming the dialog; waits until no kernel runs."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text="File").first.click()
        item = self.page.locator('.lm-Menu-item[data-command="filemenu:close-and-cleanup"]').first
        item.wait_for(state="visible", timeout=10000)
        item.click()
        accept = self.page.locator(".jp-Dialog .jp-mod-accept")
        accept.wait_for(state="visible", timeout=10000)
        accept.click()
        deadline = time.monotonic() + timeout
        while self.lab.api("GET", "/api/kernels"):
            if time.monotonic() > deadline:
                raise TimeoutError("the kernel was not shut down")
            time.sleep(0.3)
        self.page.wait_for_function("() => !__lt.panel()", timeout=timeout * 1000)

    def screenshot(self, path):
        self.page.screenshot(path=str(path))
