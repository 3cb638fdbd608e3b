"""The workbench's look (样式): theme, fonts and the few rules Gradio's components need, including a
phone layout (问答 and 审核 usable at 390 px wide)."""

from __future__ import annotations

import gradio as gr

AUTOSAVE_DELAY_MS = 600
AUTOSAVE_SCRIPT = r"""
(() => {
  const FORM = '#case-form', SKIP = '#case-row-extras, #case-del-no';
  window.peScheduleSave = (delay) => {
    const bar = document.querySelector('#project-bar .pe-save');
    if (bar) { bar.textContent = '● 有修改，正在保存……'; bar.className = 'pe-save pe-saving'; }
    window.peDirty = true;
    window.peEdits = (window.peEdits || 0) + 1;
    clearTimeout(window.peSaveTimer);
    const fire = () => {
      // A table cell still being edited closes on any click on the page: wait until it is committed.
      const active = document.activeElement;
      if (active && active.matches && active.matches('textarea, input') && active.closest('[data-testid^="cell-"]')) { window.peSaveTimer = setTimeout(fire, 400); return; }
      // A refresh of the form on its way (tab shown, page load, 新建项目): save once it has arrived.
      if (window.peGuard && window.peGuard.active()) { window.peSaveTimer = setTimeout(fire, 300); return; }
      window.peSaveTimer = null;
      document.querySelector('#case-autosave')?.click();
    };
    window.peSaveTimer = setTimeout(fire, delay ?? DELAY);
  };
  const edited = (e) => e.target instanceof Element && e.target.closest(FORM) && !e.target.closest(SKIP);
  document.addEventListener('input', (e) => { if (edited(e)) window.peScheduleSave(); }, true);
  document.addEventListener('change', (e) => { if (edited(e)) window.peScheduleSave(); }, true);
  document.addEventListener('focusout', (e) => { if (edited(e) && window.peDirty) window.peScheduleSave(150); }, true);
  document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && edited(e)) window.peScheduleSave(300); }, true);
  window.addEventListener('beforeunload', (e) => { if (window.peDirty) { e.preventDefault(); e.returnValue = ''; } });
  // Gradio's own pop-ups are English; say the same in Chinese.
  const SAY = [
    [/File\(s\) exceed the maximum allowed size of ([^:]+): "?([^"]*)"?/, (m) => `文件“${m[2]}”超过上传大小上限（${m[1].replace('Mb', 'MB')}），未上传。请压缩或拆分后再试。`],
    [/Invalid file type[^]*/, () => '文件类型不支持：请按上传框上写明的格式选择文件。'],
    [/Connection errored out\.?/, () => '与服务器的连接中断，请稍后刷新页面。'],
    [/^Error$/, () => '操作未能完成，请重试。'],
  ];
  const translate = (el) => {
    if (!el || el.dataset.peSaid) return;
    const text = el.textContent.trim();
    for (const [re, say] of SAY) { const m = text.match(re); if (m) { el.textContent = say(m); el.dataset.peSaid = '1'; return; } }
  };
  new MutationObserver(() => document.querySelectorAll('.toast-text, .toast-body .toast-text, [data-testid="toast-text"]').forEach(translate))
    .observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  // The server's answer replaces the bar with 已保存. An answer to a save that left before the last keys were
  // typed (its edit counter is behind, or another save is scheduled) must not say so: keep 正在保存.
  new MutationObserver(() => {
    const saved = document.querySelector('#project-bar .pe-saved');
    if (!saved || !window.peDirty) return;
    const seq = saved.dataset.peSeq;
    if (window.peSaveTimer || (seq !== undefined && Number(seq) < (window.peEdits || 0))) {
      saved.textContent = '● 有修改，正在保存……'; saved.className = 'pe-save pe-saving';
      return;
    }
    window.peDirty = false;
  }).observe(document.documentElement, { subtree: true, childList: true });
})();
""".replace("DELAY", str(AUTOSAVE_DELAY_MS))
"""Every edit of the 项目录入 form (typing, a choice, a table cell): the project bar says at once that a save
is coming, and the form is saved once typing pauses (debounced) or the field is left. The save reads the form
when it runs, so the last key typed is always in it; a reload while a save is pending asks first. Listening on
the page itself (not per component) catches every keystroke, including IME input and table cells."""

REFRESH_GUARD_SCRIPT = r"""
(() => {
  // A refresh (a tab shown, the page's first load, 新建项目) sends field values from the server. A field the
  // user types into after the refresh left must keep what was typed when the answer arrives: while a refresh
  // is open, the browser ignores a new value for such a field and hands the typed text back to the page.
  const MAX_MS = 30000;  // a refresh whose answer never comes stops guarding after this
  const guard = { open: 0, until: 0, typed: new Set() };
  guard.active = () => guard.open > 0 && Date.now() < guard.until;
  window.peGuard = guard;
  window.peRefreshLeaves = () => {
    if (!guard.active()) { guard.open = 0; guard.typed = new Set(); }
    guard.open += 1; guard.until = Date.now() + MAX_MS;
  };
  window.peRefreshDone = () => setTimeout(() => {  // after the answer's values are in the page
    guard.open = Math.max(0, guard.open - 1);
    if (!guard.open) guard.typed = new Set();
  }, 250);
  const typing = (el) => el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && /^(text|search|)$/.test(el.type));
  document.addEventListener('input', (e) => { if (guard.active() && typing(e.target) && e.isTrusted) guard.typed.add(e.target); }, true);
  for (const proto of [HTMLTextAreaElement.prototype, HTMLInputElement.prototype]) {
    const own = Object.getOwnPropertyDescriptor(proto, 'value');
    Object.defineProperty(proto, 'value', {
      configurable: true, enumerable: own.enumerable, get() { return own.get.call(this); },
      set(v) {
        if (guard.active() && guard.typed.has(this) && String(v) !== own.get.call(this)) {
          // Keep the typed text; tell the component, so what it holds (and saves) is what is shown.
          setTimeout(() => this.dispatchEvent(new Event('input', { bubbles: true })), 0);
          return;
        }
        own.set.call(this, v);
      },
    });
  }
  window.peRefreshLeaves();  // the page's first load is a refresh too (closed when its answer has arrived)
})();
"""
REFRESH_LEAVES_JS = "() => { window.peRefreshLeaves && window.peRefreshLeaves(); }"
REFRESH_DONE_JS = "() => { window.peRefreshDone && window.peRefreshDone(); }"

# Gradio scopes `css` under its own container class, so rules for the container itself go in <head>.
# A full-width container stops the layout from oscillating when a tab's content changes its width.
# Gradio titles its pop-ups with the English type name ("Error", "Warning", "Info"); these rules show Chinese.
HEAD = (
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<style>.gradio-container { width: 100% !important; max-width: 1480px !important; margin: 0 auto !important; }"
    + "".join(
        f".toast-title.{kind} {{ font-size: 0 !important; }}"
        f'.toast-title.{kind}::before {{ content: "{label}"; font-size: var(--text-lg); }}'
        for kind, label in (("error", "出错了"), ("warning", "注意"), ("info", "提示"))
    )
    + "</style>"
    + f"<script>{REFRESH_GUARD_SCRIPT}{AUTOSAVE_SCRIPT}</script>"
)

CSS = """
#pe-title h1 { margin: 0; font-size: 1.6em; }
.pe-hidden { display: none !important; }
#project-bar .pe-bar { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; padding: 8px 14px;
  background: #eff8ff; border: 1px solid #b2ddff; border-radius: 8px; }
#project-bar .pe-project b { font-size: 1.05em; }
#project-bar .pe-kind { margin-left: 8px; padding: 1px 8px; border-radius: 10px; background: #d1e9ff; font-size: .85em; }
#project-bar .pe-none { font-weight: 600; }
#project-bar .pe-hint { color: #475467; }
#project-bar .pe-save { font-size: .92em; }
#project-bar .pe-saved { color: #067647; }
#project-bar .pe-saving { color: #b54708; }
#project-bar .pe-unsaved { color: #b42318; font-weight: 600; }
#project-bar .pe-user { margin-left: auto; color: #475467; font-size: .92em; }
/* a project opening (新建, 打开, 导入…): a status line above the form says so; the form stays usable */
#case-status > [data-testid="status-tracker"].full:not(.hide):not(:has(> .error)) { position: relative !important;
  min-height: 2.4em; background: #eff8ff !important; border-radius: 6px; flex-direction: row !important;
  justify-content: flex-start !important; gap: 10px; padding: 0 12px !important; color: #175cd3; font-size: .95em; }
#case-status > [data-testid="status-tracker"].full:not(.hide):not(:has(> .error))::before { content: ""; width: 12px; height: 12px;
  border: 2px solid #b2ddff; border-top-color: #175cd3; border-radius: 50%; animation: pe-spin .8s linear infinite; }
#case-status > [data-testid="status-tracker"].full:not(.hide):not(:has(> .error))::after { content: "正在载入项目……表单可以继续填写"; order: 1; }
#case-status > [data-testid="status-tracker"].full:not(.hide):not(:has(> .error)) > * { display: none; }  /* Gradio's logo and English timer */
@keyframes pe-spin { to { transform: rotate(360deg); } }
/* the first-run guide goes once a project is open (a reload would not show it again either) */
.gradio-container:has(#project-bar .pe-project b) #first-run { display: none !important; }
#first-run { background: #f0f9ff; border: 1px solid #b9e6fe; border-radius: 8px; padding: 8px 12px; align-items: center; }
.pe-guide span { font-weight: 600; color: #175cd3; }
#index-banner { background: #fef0c7; border-left: 4px solid #dc6803; padding: 6px 12px; border-radius: 6px; }
mark.pe-error { background: #fee4e2; border-bottom: 2px solid #d92d20; }
mark.pe-warning { background: #fef0c7; border-bottom: 2px solid #dc6803; }
mark.pe-flash { outline: 3px solid #175cd3; outline-offset: 2px; transition: outline .3s; }
.pe-ok { color: #067647; font-weight: 600; }
.pe-problems, .pe-problems li, .pe-problems b { color: #b42318; }
.pe-problems span { color: #475467; }
.pe-problems ul { margin: .2em 0 .4em 1.1em; padding: 0; }
.pe-problem-group { margin-top: .4em; font-weight: 600; color: #7a271a; }
#case-table td, #case-table th { white-space: nowrap; }
#case-table td > div, #case-table td span { max-height: 2.4em; overflow: hidden; text-overflow: ellipsis; }
.pe-compare { width: 100%; border-collapse: collapse; font-size: .92em; }
.pe-compare td, .pe-compare th { border: 1px solid #e4e7ec; padding: 4px 6px; vertical-align: top; }
.pe-compare .pe-old { background: #fef3f2; }
.pe-compare .pe-new { background: #ecfdf3; }
.pe-sbs { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.pe-sbs-title { font-weight: 600; margin-bottom: 4px; }
.pe-sbs-text { border: 1px solid #e4e7ec; border-radius: 6px; padding: 8px; max-height: 520px; overflow: auto; line-height: 1.7; }
.pe-sbs-text.pe-new { background: #f6fef9; border-color: #abefc6; }
.pe-history-text { padding: 6px 10px; border-left: 3px solid #d0d5dd; margin: 4px 0 8px; }
.pe-chart { padding: 8px 10px; border: 1px solid #e4e7ec; border-radius: 8px; }
.pe-chart-title { font-weight: 600; margin-bottom: 6px; }
.pe-bar-row { display: grid; grid-template-columns: minmax(90px, 28%) 1fr auto; gap: 8px; align-items: center; margin: 3px 0; }
.pe-bar-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: .92em; }
.pe-bar-track { background: #f2f4f7; border-radius: 4px; height: 16px; position: relative; overflow: hidden; }
.pe-bar-fill { display: block; height: 100%; border-radius: 4px; }
.pe-bar-value { font-size: .88em; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pe-legends { margin-top: 6px; font-size: .85em; color: #475467; }
.pe-legend { margin-right: 12px; } .pe-legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
.pe-source-meta { font-size: .85em; color: #475467; margin: 4px 0; }
.pe-source-text { font-size: .92em; line-height: 1.7; }
.pe-context { color: #667085; }
mark.pe-quote { background: #fff3b0; }
details.pe-cite summary { cursor: pointer; color: #175cd3; }
@media (max-width: 640px) {
  #pe-title h1 { font-size: 1.2em; }
  #project-bar .pe-user { margin-left: 0; }
  .pe-sbs { grid-template-columns: 1fr; }
  #ask-chat { height: 62vh !important; }
  /* the question gets a line of its own, the two buttons share the next */
  #ask-row { flex-wrap: wrap !important; }
  #ask-row > :first-child { flex: 1 1 100% !important; min-width: 100% !important; }
  #review-findings td:nth-child(4), #review-findings th:nth-child(4) { display: none; }
  .pe-bar-row { grid-template-columns: 38% 1fr auto; }
  #score-chart1-box, #score-chart2-box { min-width: 100% !important; }
  /* every tab fits on a phone (the hidden copy Gradio measures with gets the same size) */
  #main-tabs .tab-container button { padding: 4px 5px !important; font-size: 14px !important; min-width: 0 !important; }
}
"""

THEME = gr.themes.Soft(
    primary_hue="blue",
    font=["Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "sans-serif"],
)
