# workerd's configuration for worker.ts, bundled into worker.js next to this file:
#   workerd serve worker.capnp --socket-addr http=127.0.0.1:PORT
# The app's configuration comes from the environment, as the Worker's bindings.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "app", worker = .app),
    # The emulator listens on 127.0.0.1, which workerd's default network refuses to reach.
    (name = "loopback", network = (allow = ["public", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "app")],
);

const app :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-11-01",
  globalOutbound = "loopback",
  bindings = [
    (name = "WECHAT_APP_ID", fromEnvironment = "WECHAT_APP_ID"),
    (name = "WECHAT_APP_SECRET", fromEnvironment = "WECHAT_APP_SECRET"),
    (name = "WXAUTH_SECRET", fromEnvironment = "WXAUTH_SECRET"),
    (name = "BASE_URL", fromEnvironment = "BASE_URL"),
    (name = "WECHAT_API_BASE_URL", fromEnvironment = "WECHAT_API_BASE_URL"),
    (name = "WECHAT_OPEN_BASE_URL", fromEnvironment = "WECHAT_OPEN_BASE_URL"),
  ],
);
