/** The one stylesheet every page inlines: neutral, WeChat-green accents, system fonts, mobile first. */
export const STYLES = `
:root{--green:#07c160;--green-press:#06ad56;--green-text:#06a050;--bg:#f3f4f6;--card:#fff;--text:#1a1a1a;--muted:#6b7280;--line:#e5e7eb;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;color-scheme:light}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;background:var(--bg);color:var(--text);font:16px/1.6 system-ui,-apple-system,BlinkMacSystemFont,"Segoe UI","Helvetica Neue","PingFang SC","Hiragino Sans GB","Microsoft YaHei UI","Microsoft YaHei",Arial,sans-serif;-webkit-font-smoothing:antialiased}
[hidden]{display:none!important}
a{color:var(--green-text)}
a:focus-visible,button:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid rgba(7,193,96,.45);outline-offset:2px}
.wrap{max-width:440px;margin:0 auto;padding:24px 16px calc(32px + env(safe-area-inset-bottom))}
.wrap.tall-bottom{padding-bottom:calc(160px + env(safe-area-inset-bottom))}
.card{background:var(--card);border-radius:16px;padding:28px 20px 24px;box-shadow:0 1px 2px rgba(0,0,0,.04),0 8px 24px rgba(0,0,0,.04);text-align:center}
.icon{display:block;width:56px;height:56px;margin:4px auto 12px}
h1{font-size:21px;font-weight:600;line-height:1.35;margin:0 0 8px}
.lead{color:var(--muted);margin:0 0 4px}
p{margin:0 0 12px}
.qr{width:min(232px,64vw);margin:20px auto 8px;padding:10px;background:#fff;border:1px solid var(--line);border-radius:12px}
.qr svg{display:block;width:100%;height:auto}
.hint{font-size:14px;color:var(--muted);margin:8px 0 0}
.lead,.steps li,.hint{text-wrap:pretty}
.steps{text-align:left;margin:20px 0 0;padding:0;list-style:none;counter-reset:step}
.steps li{position:relative;padding:0 0 14px 36px;counter-increment:step}
.steps li::before{content:counter(step);position:absolute;left:0;top:1px;width:24px;height:24px;border-radius:50%;background:#e8f8ef;color:var(--green-text);font-size:13px;font-weight:600;line-height:24px;text-align:center}
.steps li:last-child{padding-bottom:0}
.link{margin:20px 0 0;text-align:left}
.link label{display:block;font-size:13px;color:var(--muted);margin:0 0 6px}
.link textarea{display:block;width:100%;margin:0;padding:10px 12px;border:1px solid var(--line);border-radius:10px;background:#f9fafb;color:var(--text);font:13px/1.5 var(--mono);resize:none;overflow-wrap:anywhere;word-break:break-all}
.btn{display:block;width:100%;min-height:48px;margin:0;padding:12px 16px;border:0;border-radius:10px;background:#f2f3f5;color:var(--green-text);font:inherit;font-size:17px;font-weight:600;line-height:24px;text-align:center;text-decoration:none;cursor:pointer;-webkit-tap-highlight-color:transparent}
.btn:hover{background:#e8e9ec}
.btn.primary{background:var(--green);color:#fff}
.btn.primary:hover,.btn.primary:active{background:var(--green-press)}
.link .btn{margin-top:10px;font-size:16px;min-height:44px}
.actions{margin:24px 0 0}
details{margin:20px 0 0;text-align:left;border-top:1px solid var(--line);padding-top:14px}
summary{cursor:pointer;color:var(--green-text);font-size:15px}
details .qr{margin-top:14px}
details .hint{text-align:center}
.ref{margin:16px 0 0;text-align:center;font-size:12px;color:var(--muted)}
.ref code{font-family:var(--mono)}
@media (min-width:640px){.wrap{padding-top:48px}.card{padding:36px 32px 32px}}
`
