/** The one stylesheet every page inlines: WeChat (WeUI) look, mobile first. */
export const STYLES = `
:root{--green:#07c160;--green-press:#06ad56;--green-text:#06ae56;--bg:#ededed;--card:#fff;--text:#191919;--muted:rgba(0,0,0,.55);--line:rgba(0,0,0,.1);--link:#576b95;--red:#fa5151;--amber:#fa9d3b;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;color-scheme:light}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;background:var(--bg);color:var(--text);font:17px/1.5 system-ui,-apple-system,BlinkMacSystemFont,"Helvetica Neue","PingFang SC","Hiragino Sans GB","Microsoft YaHei UI","Microsoft YaHei",Arial,sans-serif;-webkit-font-smoothing:antialiased}
[hidden]{display:none!important}
a{color:var(--link);text-decoration:none}
a:hover{text-decoration:underline}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid rgba(7,193,96,.45);outline-offset:2px}
h1{font-size:22px;font-weight:600;line-height:1.35;margin:16px 0 8px}
h2{font-size:17px;font-weight:600;margin:0 0 12px}
p{margin:0 0 12px}
code,pre{font-family:var(--mono);font-size:13px}
code{overflow-wrap:anywhere}
pre{margin:0 0 12px;padding:12px;background:#f7f7f7;border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.45}
.emu-banner{position:sticky;top:0;z-index:100;display:flex;flex-wrap:wrap;justify-content:center;gap:2px 10px;padding:7px 12px;background:#ffe08a;color:#4d3800;border-bottom:1px solid rgba(0,0,0,.12);font-size:13px;font-weight:600;line-height:1.4;text-align:center}
.emu-banner span+span{font-weight:500;opacity:.8}
.wrap{max-width:480px;margin:0 auto;padding:24px 16px calc(32px + env(safe-area-inset-bottom))}
.wrap.wide{max-width:1040px}
.card{background:var(--card);border-radius:12px;padding:20px 16px;margin:0 0 16px}
.center{text-align:center}
.muted{color:var(--muted)}
.small{font-size:14px}
.msg{text-align:center;padding:24px 0 8px}
.msg .icon{width:64px;height:64px;display:block;margin:0 auto 8px}
.msg h1{margin-top:8px}
.sub{color:var(--muted);font-size:15px}
.btn{display:block;width:100%;min-height:48px;margin:0;padding:12px 16px;border:0;border-radius:8px;background:#f2f2f2;color:var(--green-text);font:inherit;font-size:17px;font-weight:600;line-height:24px;text-align:center;text-decoration:none;cursor:pointer;-webkit-tap-highlight-color:transparent}
.btn:hover{text-decoration:none;background:#e6e6e6}
.btn.primary{background:var(--green);color:#fff}
.btn.primary:hover,.btn.primary:active{background:var(--green-press)}
.btn.danger{color:var(--red)}
.btn.inline{display:inline-block;width:auto;min-width:120px}
.btn+.btn,.btn+form,form+.btn{margin-top:12px}
.actions{margin:24px 0 16px}
.btn-row{display:flex;flex-direction:row-reverse;gap:12px}
.btn-row .btn{flex:1 1 0;margin:0}
.link-row{text-align:center;margin:16px 0;font-size:15px}
.note{margin:16px 0;padding:12px 14px;background:#f7f7f7;border-radius:8px;border-left:4px solid var(--amber);font-size:14px;color:var(--muted)}
.card .note{background:#fafafa}
.note h2{font-size:14px;margin:0 0 4px;color:var(--text)}
.note p:last-child{margin-bottom:0}
.quote{font-size:14px;color:var(--muted);margin:0 0 4px}
.app{display:flex;flex-direction:column;align-items:center;gap:6px;text-align:center;margin:8px 0 16px}
.app svg{width:56px;height:56px;border-radius:12px;display:block}
.app .name{font-size:20px;font-weight:600;line-height:1.3;overflow-wrap:anywhere}
.app .meta{font-size:13px;color:var(--muted)}
.perm{margin:0 0 16px;padding:12px 0;border-top:1px solid var(--line);border-bottom:1px solid var(--line)}
.perm p{margin:0}
.perm .item{display:flex;gap:8px;align-items:baseline;margin-top:6px}
.perm .item::before{content:"";flex:none;width:6px;height:6px;border-radius:50%;background:var(--green);transform:translateY(-3px)}
fieldset{border:0;margin:0 0 8px;padding:0;min-width:0}
legend{padding:0;margin:0 0 8px;font-size:14px;color:var(--muted)}
.users{list-style:none;margin:0;padding:0;border-radius:8px;border:1px solid var(--line);overflow:hidden;background:#fff}
.users li+li{border-top:1px solid var(--line)}
.user{display:flex;align-items:center;gap:12px;min-height:64px;padding:10px 14px;cursor:pointer}
.user:has(input:checked){background:#effaf4}
.user input{flex:none;width:22px;height:22px;margin:0;accent-color:var(--green)}
.avatar{flex:none;width:40px;height:40px;border-radius:6px;background:#d8d8d8;object-fit:cover}
.who{min-width:0;flex:1}
.who .nick{display:block;font-weight:500;overflow-wrap:anywhere}
.who .id{display:block;font-family:var(--mono);font-size:12px;color:var(--muted);overflow-wrap:anywhere}
.badge{display:inline-block;margin-left:6px;padding:0 6px;border-radius:4px;font-size:12px;font-weight:500;line-height:20px;vertical-align:1px;background:#fff1e0;color:#b3620b;white-space:nowrap}
.badge.green{background:#e6f8ee;color:var(--green-text)}
.badge.grey{background:#eee;color:var(--muted)}
.qr-box{width:min(260px,72vw);margin:8px auto 12px;background:#fff;border:1px solid var(--line);border-radius:8px;overflow:hidden}
.qr-box svg{display:block;width:100%;height:auto}
.qr-state{min-height:3em;text-align:center}
.qr-state p{margin:0}
.qr-state strong{display:block;font-size:17px}
.after-btn{margin-top:8px}
[data-qr-state=expired] .qr-box svg,[data-qr-state=denied] .qr-box svg{opacity:.08}
[data-qr-state=scanned] .qr-box svg,[data-qr-state=confirmed] .qr-box svg{opacity:.25}
.url{display:block;margin-top:4px;font-family:var(--mono);font-size:12px;overflow-wrap:anywhere}
.wrap.has-bar{padding-bottom:calc(220px + env(safe-area-inset-bottom))}
.snapshot-bar{position:fixed;left:0;right:0;bottom:0;z-index:50;padding:14px 16px calc(14px + env(safe-area-inset-bottom));background:rgba(255,255,255,.97);border-top:1px solid var(--line);box-shadow:0 -4px 16px rgba(0,0,0,.06)}
.snapshot-bar>*{max-width:448px;margin-left:auto;margin-right:auto}
.snapshot-bar p{font-size:14px;margin-bottom:10px}
.skeleton{height:12px;margin:10px 0;border-radius:6px;background:#e4e4e4}
.skeleton.short{width:60%}
.page-head{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:4px 16px;margin:0 0 16px}
.page-head h1{margin:0}
.grid{display:grid;gap:12px;grid-template-columns:repeat(auto-fill,minmax(min(100%,300px),1fr))}
.grid .card{margin:0;border:1px solid var(--line)}
.grid h3{margin:0 0 8px;font-size:16px;overflow-wrap:anywhere}
.kv{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 12px;margin:0;font-size:14px}
.kv dt{color:var(--muted)}
.kv dd{margin:0;overflow-wrap:anywhere}
.demos{display:grid;gap:12px;grid-template-columns:repeat(auto-fill,minmax(min(100%,220px),1fr))}
.demos .btn{margin:0;font-size:15px;overflow-wrap:anywhere}
.table-scroll{overflow-x:auto}
table{width:100%;border-collapse:collapse;table-layout:fixed;font-size:14px}
th,td{padding:8px 6px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-size:13px;font-weight:500;color:var(--muted)}
td{overflow-wrap:anywhere}
td code{font-size:12px}
.col-time{width:6.5em}
.col-status{width:5em}
.col-name{width:34%}
.method{font-weight:600;font-size:12px;margin-right:4px}
.status-err{color:var(--red)}
.empty{color:var(--muted);font-size:14px;margin:0}
@media (min-width:640px){.wrap{padding-top:40px}.card{padding:24px}}
`
