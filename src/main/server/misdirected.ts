/**
 * The page for a name the server does not answer to (its Host check, against DNS rebinding). Sent
 * instead of the renderer: a sign-in page loaded under such a name could only fail at its first
 * call, with a "no permission" the operator cannot act on. It names the address to open and the
 * option that adds this one. Text of its own (the renderer and its i18n do not load here), zh-CN
 * first.
 */
export function misdirectedPage(host: string, address: string): string {
  const scheme = new URL(address).protocol.replace(':', '');
  const shown = escapeHtml(host || '?');
  const open = escapeHtml(address);
  const option = escapeHtml(`--public-url ${scheme}://${host || 'HOST'}`);
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>CreditDesk: 地址不对 · wrong address</title><style>code { white-space: nowrap }</style></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.6">
<h1>此地址不提供 CreditDesk</h1>
<p>这台服务器不以 <code>${shown}</code> 这个名字提供服务。请打开 <a href="${open}">${open}</a>。</p>
<p>如果团队使用的正是这个地址，请管理员启动服务器时加上 <code>${option}</code>。</p>
<hr>
<h1 lang="en">CreditDesk is not served at this address</h1>
<p lang="en">This server does not answer to the name <code>${shown}</code>. Open <a href="${open}">${open}</a>.</p>
<p lang="en">If this is the address your team uses, the administrator starts the server with <code>${option}</code>.</p>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
