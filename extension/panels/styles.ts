// AUI-like styles for the panels, inside their shadow root so neither side's CSS leaks. Colours
// follow the Atlassian design tokens of AUI 9 (light) and Jira/Confluence's dark theme.
export const PANEL_CSS = `
:host { all: initial; }
.ata {
  --ata-text: #172b4d; --ata-subtle: #5e6c84; --ata-bg: #fff; --ata-bg-sunken: #f4f5f7;
  --ata-border: #dfe1e6; --ata-primary: #0052cc; --ata-primary-hover: #0065ff; --ata-primary-text: #fff;
  --ata-danger: #de350b; --ata-danger-bg: #ffebe6; --ata-warning-bg: #fffae6; --ata-warning: #974f0c;
  --ata-info-bg: #deebff; --ata-success-bg: #e3fcef; --ata-success: #006644; --ata-blanket: rgba(9,30,66,.54);
  --ata-focus: #4c9aff;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Oxygen, Ubuntu, "Fira Sans", "Droid Sans", "Helvetica Neue", sans-serif;
  font-size: 14px; line-height: 20px; color: var(--ata-text);
}
.ata.dark {
  --ata-text: #b6c2cf; --ata-subtle: #8c9bab; --ata-bg: #22272b; --ata-bg-sunken: #161a1d;
  --ata-border: #38414a; --ata-primary: #579dff; --ata-primary-hover: #85b8ff; --ata-primary-text: #1d2125;
  --ata-danger: #f87168; --ata-danger-bg: #42221f; --ata-warning-bg: #332e1b; --ata-warning: #f5cd47;
  --ata-info-bg: #1c2b41; --ata-success-bg: #1c3329; --ata-success: #7ee2b8; --ata-blanket: rgba(16,18,20,.6);
  --ata-focus: #85b8ff;
}
.ata-blanket { position: fixed; inset: 0; background: var(--ata-blanket); z-index: 3000; }
.ata-dialog { position: fixed; z-index: 3001; top: 5vh; left: 50%; transform: translateX(-50%);
  width: min(920px, 94vw); max-height: 90vh; display: flex; flex-direction: column; background: var(--ata-bg);
  border-radius: 3px; box-shadow: 0 0 1px rgba(9,30,66,.31), 0 20px 32px -8px rgba(9,30,66,.25); }
.ata-dialog:focus { outline: none; }
.ata-dialog > header { display: flex; align-items: center; justify-content: space-between; padding: 20px 20px 10px; }
.ata-dialog > header h2 { margin: 0; font-size: 20px; font-weight: 500; line-height: 24px; color: var(--ata-text); }
.ata-dialog-content { padding: 10px 20px 20px; overflow: auto; }
h3 { font-size: 16px; font-weight: 600; margin: 20px 0 8px; }
p { margin: 8px 0; }
button, .ata-button { font: inherit; border: 0; border-radius: 3px; padding: 4px 10px; min-height: 32px; cursor: pointer;
  background: rgba(9,30,66,.04); color: var(--ata-text); text-decoration: none; display: inline-flex; align-items: center; }
.dark button, .dark .ata-button { background: rgba(161,189,217,.08); }
button:hover { background: rgba(9,30,66,.08); }
button.primary { background: var(--ata-primary); color: var(--ata-primary-text); }
button.primary:hover { background: var(--ata-primary-hover); }
button.danger { background: var(--ata-danger); color: #fff; }
button.link { background: none; color: var(--ata-primary); padding: 0 4px; min-height: auto; }
button:disabled { opacity: .5; cursor: not-allowed; }
:focus-visible { outline: 2px solid var(--ata-focus); outline-offset: 1px; }
input, select { font: inherit; color: var(--ata-text); background: var(--ata-bg-sunken); border: 2px solid var(--ata-border);
  border-radius: 3px; padding: 4px 6px; min-height: 32px; box-sizing: border-box; }
input[type=checkbox] { min-height: auto; }
input[aria-invalid=true] { border-color: var(--ata-danger); }
label { font-size: 12px; font-weight: 600; color: var(--ata-subtle); display: block; margin-bottom: 4px; }
label.inline { display: inline-flex; gap: 6px; align-items: center; font-size: 14px; font-weight: 400; color: var(--ata-text); }
.field { margin: 12px 0; }
.field-error { color: var(--ata-danger); font-size: 12px; margin-top: 4px; }
.row { display: flex; gap: 8px; align-items: flex-end; flex-wrap: wrap; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-size: 12px; color: var(--ata-subtle); font-weight: 600; border-bottom: 2px solid var(--ata-border); padding: 6px; }
tbody th { font-weight: 400; font-size: 14px; color: var(--ata-text); border-bottom: 1px solid var(--ata-border); }
td { border-bottom: 1px solid var(--ata-border); padding: 6px; vertical-align: middle; }
.lozenge { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; border-radius: 3px;
  padding: 0 4px; line-height: 16px; background: var(--ata-warning-bg); color: var(--ata-warning); margin-left: 6px; }
.ata-admin-page > h2 { font-size: 20px; font-weight: 500; line-height: 24px; margin: 0 0 16px; }
.lozenge.removed { background: var(--ata-danger-bg); color: var(--ata-danger); }
.usage dl { margin: 8px 0 0; }
.usage dt { font-size: 12px; font-weight: 600; color: var(--ata-subtle); margin-top: 8px; }
.usage dd { margin: 2px 0 0; flex-wrap: nowrap; }
.usage code.secret { flex: 1 1 auto; min-width: 0; }
code.ip { display: block; font-family: SFMono-Medium, "SF Mono", Menlo, Consolas, monospace; font-size: 12px; }
.copy { display: inline-flex; gap: 6px; align-items: center; }
.message { border-radius: 3px; padding: 12px 16px; margin: 10px 0; }
.message.info { background: var(--ata-info-bg); }
.message.warning { background: var(--ata-warning-bg); }
.message.error { background: var(--ata-danger-bg); }
.message.success { background: var(--ata-success-bg); }
.message strong { display: block; margin-bottom: 4px; }
.secret { font-family: SFMono-Medium, "SF Mono", Menlo, Consolas, monospace; background: var(--ata-bg-sunken);
  padding: 6px 8px; border-radius: 3px; word-break: break-all; user-select: all; }
[role=tablist] { display: flex; gap: 4px; border-bottom: 2px solid var(--ata-border); margin-bottom: 12px; }
[role=tab] { background: none; border-radius: 0; border-bottom: 2px solid transparent; margin-bottom: -2px; color: var(--ata-subtle); }
.dark [role=tab] { background: none; }
[role=tab][aria-selected=true] { color: var(--ata-primary); border-bottom-color: var(--ata-primary); }
.subtle { color: var(--ata-subtle); font-size: 12px; }
.chips { list-style: none; padding: 0; display: flex; gap: 4px; flex-wrap: wrap; margin: 4px 0; }
.chip { background: var(--ata-bg-sunken); border-radius: 3px; padding: 0 0 0 6px; display: inline-flex; align-items: center; }
fieldset.inline-confirm { display: inline-flex; gap: 6px; align-items: center; border: 0; padding: 0; margin: 0; }
fieldset.inline-confirm legend { float: left; padding: 0; }
.actions { display: flex; gap: 8px; margin-top: 12px; }
`;
