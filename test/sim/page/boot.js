// boot.js: runs last, once every page file has defined its part of the page (the area files
// add their modules to `modules` and their control methods to `api`).
window.__sim = api;
session.boot();
control.connect();
window.Debug = { VERSION: CONFIG.version }; // last: whatsapp-web.js starts injecting once it sees this
