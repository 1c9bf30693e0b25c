/**
 * /about/safety: what may not be posted, how ads are checked, how to stay safe, how to report.
 * Linked from every page's footer and from the posting form. The rules listed here are the ones
 * screening and moderation enforce (policy/default.yaml, src/moderation/policy.ts): keep them in step.
 */
import { html, type Html } from '../html.ts';
import { page } from './layout.ts';

export function safetyPage(canonical: string): Html {
  return page(
    { title: 'Safety and prohibited content', description: 'What may not be posted on Corkboard, how ads are checked, how to stay safe and how to report a problem.', canonical },
    html`<article class="about">
<h1>Safety and prohibited content</h1>
<p>Corkboard is free local classifieds. Every ad is checked before it goes live, anyone can report an ad, and
moderators act on reports with the most serious first.</p>

<h2 id="prohibited">What you may not post</h2>
<ul>
  <li><strong>Anything that sexualises or endangers a minor.</strong> Never allowed. Such reports go to the front of the moderators' queue.</li>
  <li><strong>Signs of human trafficking or exploitation</strong>, for example work where someone else keeps your documents or your wages, or arranges your travel and then controls you.</li>
  <li><strong>Offers of sexual services for payment.</strong> Corkboard has no adult or personal-services category, and such ads are removed. In the United States, running a platform that promotes or facilitates prostitution is a federal crime (18 U.S.C. 2421A).</li>
  <li><strong>Prohibited goods</strong>: weapons and firearms sold without the checks the law requires, drugs and controlled substances, prescription medicines, counterfeit goods, fake or stolen documents, and protected wildlife.</li>
  <li><strong>Scams</strong>: payment by gift card or wire transfer to a stranger, rentals whose "owner is abroad" and mails the keys, job ads that charge a fee or ask you to receive and forward parcels or money, "guaranteed returns", prize notices.</li>
  <li><strong>Spam</strong>: the same item posted again within 48 hours, the same ad in many cities, and ads in the wrong category.</li>
</ul>

<h2 id="checks">How ads are checked</h2>
<ul>
  <li>Every new or edited ad is screened before anyone can see it. It goes live, waits for a moderator, or is refused. Either way the poster is told why in plain words.</li>
  <li>Ads on hold are decided by people, not only by software.</li>
  <li>Every decision to remove or restrict something comes with a statement of reasons and a link to appeal it for six months. The appeal is decided by a different moderator.</li>
  <li>Enough reports from visitors with a good record put an ad on hold until a moderator looks at it. A burst of reports from new accounts does not take an honest ad down.</li>
</ul>

<h2 id="staying-safe">Staying safe</h2>
<h3>Buying and selling</h3>
<ul>
  <li>Meet in a busy public place in daylight, and see the item before you pay.</li>
  <li>Never pay a stranger by gift card, wire transfer or cryptocurrency. Be wary of "overpayments" and payment confirmations that arrive by e-mail.</li>
</ul>
<h3>Housing</h3>
<ul>
  <li>See the place in person before you pay anything. A landlord who is abroad and will post the keys is a known scam.</li>
</ul>
<h3>Jobs and gigs</h3>
<ul>
  <li>A real employer does not charge you to get hired. Never receive and forward parcels, cheques or money for someone you do not know.</li>
  <li>Be careful with offers that pay for your travel and keep your passport or papers "for safekeeping".</li>
</ul>
<h3>Pets</h3>
<ul>
  <li>Do not pay for a pet to be shipped to you that you have not seen.</li>
</ul>
<h3>Your privacy</h3>
<ul>
  <li>Replies go through our anonymous relay: neither side sees the other's e-mail address unless they choose to share it. Your phone number is shown only if you choose that when you post.</li>
  <li>Location data and other metadata are removed from every photo you upload.</li>
  <li>A poster can block a replier and report a message from the conversation page.</li>
</ul>

<h2 id="report">Report a problem</h2>
<ul>
  <li>Every ad has a <strong>Report this ad</strong> button. Choose "someone in this ad may be underage or exploited" for anything that concerns a child's or a person's safety: it goes to the urgent queue.</li>
  <li>The report page also leads to a full notice form. Use it to explain why content is illegal; we confirm receipt and tell you the outcome (EU Digital Services Act, Article 16).</li>
  <li><strong>If someone is in danger now, call the police</strong> (112 in the European Union, 911 in the United States and Canada, 999 in the United Kingdom).</li>
</ul>
</article>`,
  );
}
