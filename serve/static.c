/* static.c — /static/casekb.css and /static/casekb.js (static.h). */
#include "serve/static.h"
#include <string.h>

/* The stylesheet: CJK-first fonts, a compact queue table, mail text kept
 * as written, folded quotes, CSS bar charts whose bars are links. */
static const char CSS[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;"
    "margin:0;color:#1d2330;background:#f5f7fa;font-size:14px;line-height:1.5}\n"
    "header{display:flex;flex-wrap:wrap;gap:12px;align-items:center;justify-content:space-between;"
    "background:#1f3a5f;color:#fff;padding:8px 20px}\n"
    "header a{color:#fff;text-decoration:none;margin-right:14px}header a.brand{font-weight:bold;font-size:1.1em}\n"
    "form.search{display:flex;gap:4px}form.search input{width:28em;padding:4px 6px}\n"
    "main{max-width:1240px;margin:0 auto;padding:16px 20px}\n"
    "h1{font-size:1.4em;margin:.2em 0 .5em}h2{font-size:1.15em;margin:1.4em 0 .4em;"
    "border-bottom:2px solid #d8dee9;padding-bottom:.15em}\n"
    "table{border-collapse:collapse;width:100%;background:#fff;margin:.4em 0}\n"
    "th,td{border:1px solid #d8dee9;padding:4px 7px;text-align:left;vertical-align:top}"
    "th{background:#eef2f7;white-space:nowrap}td.num{text-align:right}\n"
    "a{color:#0b5394}code,pre,textarea{font-family:\"DejaVu Sans Mono\",Consolas,monospace;font-size:13px}\n"
    "code{background:#eef1f5;padding:0 3px;border-radius:3px}\n"
    ".filters{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:end;background:#fff;padding:8px;"
    "border:1px solid #d8dee9}.filters label{display:flex;flex-direction:column;font-size:.85em;color:#4b5563}\n"
    ".filters input{width:9em}.counts a{margin-right:1.2em}.pager{margin:.6em 0}.pager a{margin-right:1em}\n"
    ".badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:.85em;background:#e5e7eb}\n"
    ".badge.open{background:#fde68a}.badge.closed{background:#d1fae5}.badge.us{background:#fecaca}\n"
    ".muted,.sig{color:#6b7280}.error{color:#b91c1c;font-weight:bold}\n"
    "article.msg{background:#fff;border:1px solid #d8dee9;border-left:5px solid #9fb3c8;margin:.6em 0;"
    "padding:6px 12px}article.msg.support{border-left-color:#0b5394}article.msg.customer{border-left-color:#b45309}\n"
    ".msg-head{font-size:.9em;color:#374151}.body{white-space:pre-wrap;margin:.4em 0}\n"
    "details{margin:.3em 0}details>summary{cursor:pointer;color:#4b5563}details .body{color:#4b5563}\n"
    "dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;align-content:start;background:#fff;padding:8px;"
    "border:1px solid #d8dee9}dl.fields dt{font-weight:bold}dl.fields dd{margin:0}\n"
    ".cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:0 24px}\n"
    ".bars{background:#fff;border:1px solid #d8dee9;padding:6px}\n"
    ".bar{display:grid;grid-template-columns:14em 1fr 3.5em;gap:8px;align-items:center;margin:2px 0}\n"
    ".bar .label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\n"
    "svg.spark{background:#eef2f7;vertical-align:middle;max-width:100%}svg.spark rect.fill{fill:#4a7ab5}\n"
    "section.months h4{margin:.5em 0 .2em;font-size:.95em}.axis{display:flex;justify-content:space-between;"
    "max-width:480px;font-size:.8em;color:#6b7280}\n"
    ".bar svg.track{width:100%;height:14px;background:#eef2f7}.bar rect.fill{fill:#4a7ab5}\n"
    ".bar .value{text-align:right}\n"
    ".case-top{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:0 20px}\n"
    ".case-grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:0 24px}\n"
    "@media (max-width:1000px){.case-grid,.case-top{grid-template-columns:1fr}}\n"
    "ul.similar{padding-left:1.2em}ul.similar li{margin:.3em 0}ol.steps li{margin:.3em 0}\n"
    "textarea.draft{width:100%;min-height:22em;white-space:pre-wrap}\n"
    "button{cursor:pointer}mark{background:#fde047}\n";

/* Copy buttons (data-copy = id of the text to copy) and the buttons that
 * open or close every folded quote (data-fold = open|close); the class
 * "js" on <html> says the script ran. */
static const char JS[] =
    "'use strict';\n"
    "document.addEventListener('DOMContentLoaded', function () {\n"
    "  document.documentElement.classList.add('js');\n"
    "  document.querySelectorAll('button[data-copy]').forEach(function (b) {\n"
    "    b.addEventListener('click', function () {\n"
    "      var t = document.getElementById(b.dataset.copy);\n"
    "      var done = function () { b.textContent = 'Copied 已复制'; };\n"
    "      if (navigator.clipboard && window.isSecureContext) {\n"
    "        navigator.clipboard.writeText(t.value).then(done);\n"
    "      } else { t.select(); document.execCommand('copy'); done(); }\n"
    "    });\n"
    "  });\n"
    "  document.querySelectorAll('button[data-fold]').forEach(function (b) {\n"
    "    b.addEventListener('click', function () {\n"
    "      var open = b.dataset.fold === 'open';\n"
    "      document.querySelectorAll('details.quoted').forEach(function (d) { d.open = open; });\n"
    "    });\n"
    "  });\n"
    "});\n";

/* See static.h. */
gboolean ck_serve_static_file(const char *path, const char **body, const char **content_type)
{
    if (strcmp(path, "/static/casekb.css") == 0) {
        *body = CSS;
        *content_type = "text/css; charset=utf-8";
    } else if (strcmp(path, "/static/casekb.js") == 0) {
        *body = JS;
        *content_type = "text/javascript; charset=utf-8";
    } else
        return FALSE;
    return TRUE;
}
