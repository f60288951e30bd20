/** The console's HTML shell; the bundled script renders everything else. */
export function consolePage(assets: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sysstatus console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets}/console.css">
<script type="module" src="${assets}/console.js"></script>
</head>
<body>
<div id="app"><p class="boot">sysstatus console…</p></div>
<noscript>The sysstatus console needs JavaScript.</noscript>
</body>
</html>
`;
}
