// Customer portal (docs/design/portal.md): mobile -> one-time code -> own masked data, the
// notice, objection and rights requests. zh-CN by default with an English switch. The DOM is
// built with textContent only; nothing from the server is ever parsed as HTML.
'use strict';
(function () {
  const T = {
    'zh-CN': {
      title: '客户门户', step_mobile: '第一步：输入手机号',
      intro: '我们将向您登记的手机号发送一次性验证码，用于查看您的个人信息与告知、提出异议或申请行使权利。',
      mobile: '手机号', send_code: '获取验证码', step_code: '第二步：输入验证码',
      code_hint: '验证码 10 分钟内有效，只能使用一次。', code: '验证码', verify: '登录',
      again: '重新输入手机号', notice: '告知', notice_transfer: '个人信息转移告知',
      notice_liquidation: '清算告知（债权人）', my_data: '我的信息（已遮蔽）', state: '状态',
      my_choices: '异议与请求', object: '我反对转移我的信息', ask_copy: '申请获取副本',
      ask_deletion: '申请删除', my_requests: '我的请求', no_requests: '暂无请求。', logout: '退出',
      footer: '本页面由玉匣 jadevault 提供。您的信息仅以遮蔽形式显示。',
      sending: '正在发送…', code_sent: '如该号码已登记，验证码已发送，请查收短信。',
      bad_mobile: '请输入 11 位手机号。', bad_code: '请输入 6 位数字验证码。',
      objected: '您已提出异议：您的信息不会被转移。', not_objected: '您尚未提出异议。',
      objection_done: '已记录您的异议。', request_done: '已受理您的请求，编号 {id}，答复期限 {due}。',
      due: '答复期限', signed_out: '您已退出。', failed: '操作失败，请稍后再试。',
      lang: 'English',
      states: { active: '正常', notified: '已告知', objected: '已反对', consented: '已同意', restricted: '受限存储', unmatched: '待核对' },
      types: { access: '查阅', copy: '获取副本', portability: '转移副本', correction: '更正', deletion: '删除', restriction: '限制处理', explanation: '解释说明', withdraw: '撤回同意' },
      statuses: { open: '处理中', fulfilled: '已完成', refused: '已拒绝' },
      genders: { male: '男', female: '女' },
      fields: { name: '姓名', mobile: '手机', id_number: '身份证号', email: '邮箱', address: '地址', gender: '性别', birth_date: '出生日期', member_no: '会员卡号', store: '门店', points: '积分', prepaid_balance: '储值余额', total_spend: '累计消费', member_level: '会员等级', landline: '座机', notes: '备注', bank_card: '银行卡', last_purchase_date: '最近购买', ring_size: '戒圈' },
    },
    en: {
      title: 'Customer portal', step_mobile: 'Step 1: your mobile number',
      intro: 'We send a one-time code to the mobile number we hold for you. With it you can see your data and our notice, object, or exercise your rights.',
      mobile: 'Mobile number', send_code: 'Send me a code', step_code: 'Step 2: the code',
      code_hint: 'The code is valid for 10 minutes and works once.', code: 'Code', verify: 'Sign in',
      again: 'Use another number', notice: 'Notice', notice_transfer: 'Notice of transfer of your personal information',
      notice_liquidation: 'Liquidation notice (creditors)', my_data: 'My data (masked)', state: 'Status',
      my_choices: 'Objection and requests', object: 'I object to the transfer of my data', ask_copy: 'Ask for a copy',
      ask_deletion: 'Ask for deletion', my_requests: 'My requests', no_requests: 'No requests yet.', logout: 'Sign out',
      footer: 'Provided by jadevault. Your data is shown masked only.',
      sending: 'Sending…', code_sent: 'If this number is registered with us, a code is on its way.',
      bad_mobile: 'Please enter an 11-digit mobile number.', bad_code: 'Please enter the 6-digit code.',
      objected: 'You have objected: your data will not be transferred.', not_objected: 'You have not objected.',
      objection_done: 'Your objection is recorded.', request_done: 'Request {id} received; answer due by {due}.',
      due: 'due', signed_out: 'You are signed out.', failed: 'That did not work; please try again later.',
      lang: '中文',
      states: { active: 'active', notified: 'notified', objected: 'objected', consented: 'consented', restricted: 'restricted', unmatched: 'to be checked' },
      types: { access: 'access', copy: 'copy', portability: 'portability', correction: 'correction', deletion: 'deletion', restriction: 'restriction', explanation: 'explanation', withdraw: 'withdraw consent' },
      statuses: { open: 'open', fulfilled: 'fulfilled', refused: 'refused' },
      genders: { male: 'male', female: 'female' },
      fields: { name: 'Name', mobile: 'Mobile', id_number: 'ID number', email: 'E-mail', address: 'Address', gender: 'Gender', birth_date: 'Birth date', member_no: 'Member no.', store: 'Store', points: 'Points', prepaid_balance: 'Prepaid balance', total_spend: 'Total spend', member_level: 'Level', landline: 'Landline', notes: 'Notes', bank_card: 'Bank card', last_purchase_date: 'Last purchase', ring_size: 'Ring size' },
    },
  };
  let lang = 'zh-CN';
  let me = null;
  let mobile = '';
  const $ = (id) => document.getElementById(id);
  const t = (k) => T[lang][k] || k;

  function say(text, kind) {
    const m = $('message');
    m.textContent = text;
    m.className = kind || '';
  }

  function show(step) {
    for (const id of ['step-mobile', 'step-code', 'step-me']) $(id).hidden = id !== step;
  }

  function csrf() { return sessionStorage.getItem('jv_portal_csrf') || ''; }

  // The server's message is "中文 (English)": show the half in the page's language.
  function serverMessage(doc) {
    const msg = (doc && doc.error && doc.error.message) || t('failed');
    const i = msg.indexOf(' (');
    if (i < 0 || !msg.endsWith(')')) return msg;
    return lang === 'en' ? msg.slice(i + 2, -1) : msg.slice(0, i);
  }

  async function call(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') headers['X-CSRF-Token'] = csrf();
    const res = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let doc = null;
    try { doc = await res.json(); } catch (e) { doc = null; }
    return { status: res.status, doc };
  }

  function applyLang() {
    document.documentElement.lang = lang;
    document.title = t('title') + ' · 玉匣 jadevault';
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    $('lang').textContent = t('lang');
    if (me) render();
  }

  function render() {
    $('state').textContent = T[lang].states[me.state] || me.state;
    const dl = $('my-data');
    dl.replaceChildren();
    for (const [k, v] of Object.entries(me.masked || {})) {
      const dt = document.createElement('dt');
      dt.textContent = T[lang].fields[k] || k;
      const dd = document.createElement('dd');
      dd.textContent = k === 'gender' ? (T[lang].genders[v] || String(v)) : String(v);
      dd.dataset.field = k;
      dl.append(dt, dd);
    }
    const box = $('notice-box');
    if (me.notice && me.notice.text) {
      box.hidden = false;
      $('notice-title').textContent = t(me.notice.kind === 'liquidation' ? 'notice_liquidation' : 'notice_transfer');
      $('notice-text').textContent = me.notice.text;
    } else {
      box.hidden = true;
    }
    const objected = me.objection && me.objection.objected;
    const os = $('objection-status');
    os.textContent = t(objected ? 'objected' : 'not_objected');
    os.className = objected ? 'objected' : '';
    $('object').disabled = !!objected;
    // Objecting is about a transfer: offered when a transfer notice applies (or already done).
    $('object').hidden = !objected && !(me.notice && me.notice.kind === 'transfer');
    const ul = $('requests');
    ul.replaceChildren();
    for (const r of me.requests || []) {
      const li = document.createElement('li');
      li.dataset.id = r.id;
      li.dataset.status = r.status;
      li.textContent = `${T[lang].types[r.type] || r.type} · ${T[lang].statuses[r.status] || r.status} · ${t('due')} ${r.due} (${r.id})`;
      ul.append(li);
    }
    $('no-requests').hidden = (me.requests || []).length > 0;
  }

  async function loadMe() {
    const r = await call('GET', '/portal/api/me');
    if (r.status !== 200) { me = null; show('step-mobile'); return false; }
    me = r.doc;
    render();
    show('step-me');
    return true;
  }

  async function sendCode(ev) {
    ev.preventDefault();
    const raw = $('mobile').value.trim();
    if (raw.replace(/\D/g, '').length < 11) { say(t('bad_mobile'), 'error'); return; }
    say(t('sending'));
    const r = await call('POST', '/portal/api/code', { mobile: raw });
    if (r.status !== 200) { say(serverMessage(r.doc), 'error'); return; }
    mobile = raw;
    say(t('code_sent'), 'ok');
    show('step-code');
    $('code').value = '';
    $('code').focus();
  }

  async function verify(ev) {
    ev.preventDefault();
    const code = $('code').value.trim();
    if (!/^[0-9]{6}$/.test(code)) { say(t('bad_code'), 'error'); return; }
    const r = await call('POST', '/portal/api/verify', { mobile, code });
    if (r.status !== 200) { say(serverMessage(r.doc), 'error'); return; }
    sessionStorage.setItem('jv_portal_csrf', r.doc.csrf);
    say('');
    await loadMe();
  }

  async function object() {
    const r = await call('POST', '/portal/api/objection', {});
    if (r.status !== 200) { say(serverMessage(r.doc), 'error'); return; }
    await loadMe();
    say(t('objection_done'), 'ok');
  }

  async function ask(type) {
    const r = await call('POST', '/portal/api/requests', { type });
    if (r.status !== 200) { say(serverMessage(r.doc), 'error'); return; }
    await loadMe();
    say(t('request_done').replace('{id}', r.doc.id).replace('{due}', r.doc.due), 'ok');
  }

  async function logout() {
    await call('DELETE', '/portal/api/session');
    sessionStorage.removeItem('jv_portal_csrf');
    me = null;
    show('step-mobile');
    say(t('signed_out'), 'ok');
  }

  document.addEventListener('DOMContentLoaded', () => {
    if (location.hash === '#en') lang = 'en';
    $('form-mobile').addEventListener('submit', sendCode);
    $('form-code').addEventListener('submit', verify);
    $('again').addEventListener('click', () => { say(''); show('step-mobile'); });
    $('object').addEventListener('click', object);
    $('ask-copy').addEventListener('click', () => ask('copy'));
    $('ask-deletion').addEventListener('click', () => ask('deletion'));
    $('logout').addEventListener('click', logout);
    $('lang').addEventListener('click', () => { lang = lang === 'en' ? 'zh-CN' : 'en'; applyLang(); });
    applyLang();
    if (csrf()) loadMe();
  });
})();
