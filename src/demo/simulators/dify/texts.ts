/**
 * Texts of the seeded Dify demo data: a support assistant for "Brightdesk", a fictional
 * help-desk SaaS, grounded on its help-center knowledge base. Kept apart from fixtures.ts so
 * that file stays about structure (ids, times, files, feedback).
 */

/** A question and the assistant's answer. */
export type Exchange = readonly [query: string, answer: string];

/** Title of the long conversation. */
export const ROLLOUT_TITLE = 'Rolling out Brightdesk to the support team';
/** The long conversation: an admin rolling Brightdesk out to a support team, 45 exchanges. */
export const ROLLOUT_EXCHANGES: readonly Exchange[] = [
  ['Hi! We are moving our 14-person support team to Brightdesk next month. Where should I start?', 'Welcome aboard! A good order is: pick a plan, connect your support mailbox, invite agents, then set up SSO and automation rules. I can walk you through each step.'],
  ['Which plan fits 14 agents?', 'Growth covers up to 25 agents and includes SLAs, automation rules and the reporting API. Starter caps at 5 agents, so Growth is the right fit for 14.'],
  ['What does Growth cost per agent?', 'Growth is $39 per agent per month billed annually, or $47 billed monthly. For 14 agents that is $546 a month on the annual plan.'],
  ['Here is a screenshot of the invoice preview I see. Is the tax line right?', 'The preview shows VAT at 19% because your billing address is in Germany. If you add a valid VAT ID under Billing → Company details, the reverse-charge rule applies and the tax line disappears.'],
  ['Can we start on monthly and switch to annual later?', 'Yes. Switching to annual takes effect at the next renewal and unused monthly time is prorated as a credit.'],
  ['How do I connect our support@ mailbox?', 'Go to Channels → Email → Add mailbox, enter support@yourdomain.com and follow the forwarding instructions. Brightdesk gives you a unique forwarding address ending in @inbound.brightdesk.io.'],
  ['Do we need to change our MX records?', 'No. Forwarding keeps your MX records untouched. Only add the SPF include (include:spf.brightdesk.io) so replies sent from Brightdesk are not marked as spam.'],
  ['What about DKIM?', 'Add the two CNAME records shown under Channels → Email → Domain verification. Verification usually completes within an hour.'],
  ['How do I invite the agents in bulk?', 'Use Team → Invite → Upload CSV with columns email, name and role. Invitations expire after 7 days and can be resent from the same page.'],
  ['Which roles exist?', 'Owner, Admin, Supervisor, Agent and Light agent. Light agents can add internal notes but cannot reply to customers, and they are free on Growth.'],
  ['Can supervisors edit automation rules?', 'No, only Admins and the Owner can. Supervisors can reassign tickets, edit SLAs for their groups and see team reports.'],
  ['We use Okta. Is SSO included in Growth?', 'SAML SSO is included in Growth. Create a SAML app in Okta with the ACS URL and Entity ID from Settings → Security → Single sign-on.'],
  ['Okta asks for a Name ID format. Which one?', 'Use EmailAddress. Brightdesk matches users by email, so the Name ID must be the same address the agent was invited with.'],
  ['Can we enforce SSO for everyone?', 'Yes, turn on "Require SSO". Keep at least one Owner with a password login as a break-glass account in case Okta is unavailable.'],
  ['Does Brightdesk support SCIM provisioning?', 'SCIM 2.0 is available on Growth and above. It creates, updates and deactivates agents automatically when you change them in Okta.'],
  ['If someone is deactivated, what happens to their open tickets?', 'They are returned to their group queue unassigned, and an internal note records who held them before.'],
  ['Can you draft a seat plan for our 14 agents split across tiers 1 and 2?', 'I attached a seat plan as CSV: 9 tier-1 agents, 4 tier-2 agents and 1 supervisor, plus 3 free light-agent seats for the product team.'],
  ['Great. How do groups work?', 'Groups are queues with their own members, business hours and SLA policies. A ticket belongs to exactly one group at a time.'],
  ['Can a ticket be routed to tier 2 automatically?', 'Yes, with an automation rule: for example "when tag is escalation or priority is urgent, set group to Tier 2 and notify the group".'],
  ['Where do I create that rule?', 'Settings → Automation → New rule. Choose the trigger "Ticket updated", add the conditions, then the actions. Rules run top to bottom and stop at the first match if you tick "Stop processing".'],
  ['Can rules run on a schedule?', 'Time-based rules run every 15 minutes, for example "if status is pending for 72 hours, close the ticket and send the follow-up template".'],
  ['How do SLAs count time?', 'SLA timers count business hours of the ticket\'s group. First response and next response targets pause while the ticket is pending on the customer.'],
  ['What happens when an SLA is breached?', 'The ticket gets the "SLA breached" badge, the breach is logged for reporting, and any rule with the trigger "SLA breached" fires.'],
  ['We have customers in the US and Europe. Can business hours differ by group?', 'Yes. Each group has its own calendar and time zone. Holidays are calendars too, so you can import the German and US public holidays separately.'],
  ['Can agents see customer history from our CRM?', 'Install the CRM sidebar app from Marketplace. It shows the contact\'s account, plan and open deals next to the ticket.'],
  ['Do you have a webhook when a ticket is solved?', 'Yes. Settings → Webhooks → Add endpoint and subscribe to ticket.solved. Payloads are signed with HMAC-SHA256 in the X-Brightdesk-Signature header.'],
  ['How do I verify that signature?', 'Compute HMAC-SHA256 of the raw request body with your endpoint secret and compare it to the header in constant time. Reject requests whose timestamp is older than 5 minutes.'],
  ['Are webhooks retried?', 'Failed deliveries are retried with exponential backoff for up to 24 hours. After 50 consecutive failures the endpoint is paused and Admins get an email.'],
  ['What are the API rate limits?', 'Growth allows 400 requests per minute per account. Responses include X-RateLimit-Remaining, and a 429 carries Retry-After in seconds.'],
  ['I attached our data processing agreement. Does Brightdesk sign custom DPAs?', 'For Growth we sign our standard DPA, which covers the EU Standard Contractual Clauses. Custom DPAs need the Enterprise plan; I can route your redlines to the legal team.'],
  ['Where is our data stored?', 'You choose the region at signup: EU (Frankfurt) or US (Virginia). Attachments and backups stay in the same region.'],
  ['Can we export everything if we ever leave?', 'Yes. Settings → Data → Export creates a JSON export of tickets, comments, users and organizations, with attachments as a separate archive.'],
  ['How long does an export take?', 'Usually under an hour for accounts below 100,000 tickets. You get an email with a download link that stays valid for 7 days.'],
  ['Can we import our old tickets from the shared inbox?', 'The migration assistant imports from Gmail, Outlook and most help desks. Imported tickets keep their original timestamps and are marked with the tag "imported".'],
  ['Will imported tickets trigger automation rules?', 'No. Imports bypass triggers and SLAs so old tickets do not send emails or breach targets.'],
  ['How do macros work?', 'Macros are saved sets of actions, such as a reply template plus tag and status changes. Agents apply them from the ticket toolbar.'],
  ['Can macros use the customer\'s first name?', 'Yes, with placeholders like {{requester.first_name}}. The preview shows the rendered text before sending.'],
  ['Is there a CSAT survey?', 'Enable it under Settings → Satisfaction. Customers get a one-click good/bad survey 24 hours after a ticket is solved.'],
  ['Can we see CSAT per agent?', 'Reports → Satisfaction breaks scores down by agent, group and tag. Supervisors see their own groups only.'],
  ['Which reports should I watch in the first month?', 'First response time, full resolution time, backlog age and reopen rate. A rising reopen rate usually means answers are closing tickets too early.'],
  ['Can I schedule a weekly report email?', 'Yes. Open any report, click Schedule and pick recipients and a day. Scheduled reports are sent as PDF with a CSV attachment.'],
  ['One more: does Brightdesk have an AI reply suggestion feature?', 'Reply suggestions are available as an add-on for $9 per agent per month. They draft answers from your help-center articles, and agents always review before sending.'],
  ['Does the AI add-on train on our tickets?', 'No. Your data is not used to train shared models. Suggestions are generated per request and are not retained after the ticket is closed.'],
  ['Thanks, this was really helpful. Can you summarize the rollout steps?', '1) Pick Growth, annual. 2) Connect support@ with forwarding, SPF and DKIM. 3) Invite agents by CSV. 4) Set up Okta SAML and SCIM. 5) Create Tier 1/Tier 2 groups, SLAs and routing rules. 6) Add webhooks and CSAT. 7) Import old tickets.'],
  ['Perfect. We will start on Monday.', 'Good luck with the launch! If anything blocks you, open a chat here and mention "rollout" so it reaches the onboarding team.'],
];

/** A short conversation: its title and its exchanges. */
export interface ShortTopic {
  title: string;
  exchanges: readonly Exchange[];
}

/** The demo user's other conversations, newest first. */
export const DEMO_TOPICS: readonly ShortTopic[] = [
  { title: 'Resetting two-factor authentication', exchanges: [['An agent lost her phone and cannot log in with 2FA. What now?', 'An Admin can reset her 2FA under Team → the agent → Security → Reset two-factor. She will be asked to enroll a new device at the next login.'], ['Can she use backup codes instead?', 'Yes, if she saved them when enrolling. Each backup code works once.']] },
  { title: 'Merging duplicate tickets', exchanges: [['A customer emailed twice about the same order. Can I merge the tickets?', 'Open the newer ticket, choose Merge, and pick the older one. Comments are combined in time order and the customer is notified once.']] },
  { title: 'Custom ticket fields', exchanges: [['Can we add an "Order number" field to tickets?', 'Yes: Settings → Ticket fields → New field → Text. You can make it required before solving.'], ['Can customers fill it on the web form?', 'Tick "Visible to customers" and it appears on the help-center request form.'], ['Can I search by it?', 'Yes, custom fields are searchable, for example order_number:48213.']] },
  { title: 'Help center in German', exchanges: [['Can the help center be in English and German?', 'Add German under Help center → Languages. Each article then gets a translation tab; untranslated articles fall back to English.']] },
  { title: 'Changing the billing owner', exchanges: [['Our finance lead should receive invoices instead of me.', 'Add her email under Billing → Invoice recipients. Only the Owner can change the payment method itself.']] },
  { title: 'Slack notifications', exchanges: [['Can urgent tickets be posted to a Slack channel?', 'Install the Slack app from Marketplace, then add a rule action "Notify Slack channel" for tickets with priority urgent.'], ['Can agents reply from Slack?', 'They can add internal notes from Slack threads; customer replies still happen in Brightdesk.']] },
  { title: 'Spam in the support inbox', exchanges: [['We get a lot of spam tickets. Any filter?', 'Brightdesk runs a spam filter on inbound mail. Suspected spam goes to the Suspended view, where you can recover false positives.']] },
  { title: 'Agent collision', exchanges: [['Two agents answered the same ticket at once. Can that be prevented?', 'Agent collision detection shows who else is viewing or typing on a ticket. It is on by default; check it is not disabled under Settings → Agent workspace.']] },
  { title: 'Phone channel', exchanges: [['Does Brightdesk do phone support?', 'Brightdesk Voice adds a phone number, call recording and voicemail-to-ticket. It is billed per minute on top of your plan.'], ['Can calls be recorded for quality review?', 'Yes, with an announcement to the caller. Recordings are kept for 90 days by default.']] },
  { title: 'Tags versus fields', exchanges: [['Should we use tags or custom fields for product area?', 'Use a dropdown field for product area: it keeps values consistent and reports group by it cleanly. Tags suit ad-hoc labels.']] },
  { title: 'API token for our BI tool', exchanges: [['Our BI tool needs read access to tickets. How do I create a token?', 'Settings → API → New token, scope "tickets:read". Store it in the BI tool\'s secret store; tokens are shown only once.']] },
  { title: 'Auto-close after solved', exchanges: [['How long until solved tickets are closed?', 'Solved tickets close automatically after 4 days. Closed tickets cannot be reopened; a customer reply creates a follow-up ticket instead.']] },
  { title: 'Customer satisfaction dip', exchanges: [['Our CSAT dropped from 94% to 87% this week. Where do I look?', 'Filter the satisfaction report by "bad" ratings and group by tag. A single product issue often explains a sudden dip.'], ['Most bad ratings are tagged "shipping-delay".', 'Then it is likely the delay itself, not the answers. A proactive macro explaining the delay and a new ETA usually recovers the score.']] },
  { title: 'Light agents for engineering', exchanges: [['Can engineers see tickets without a paid seat?', 'Yes, as light agents: they can read tickets and add internal notes, free on Growth.']] },
  { title: 'Deleting a customer on request', exchanges: [['A customer asked us to delete all their data.', 'Open the user profile and choose "Permanently delete". It removes their tickets\' personal data within 30 days, including backups.']] },
  { title: 'Ticket forms for returns', exchanges: [['Can we have a separate form for return requests?', 'Ticket forms let you show different fields per request type. Create a "Return request" form with order number and reason.']] },
  { title: 'Out-of-office replies', exchanges: [['Can Brightdesk auto-reply outside business hours?', 'Add a rule with the condition "Within business hours is false" and the action "Email requester" using an out-of-hours template.']] },
  { title: 'Views for tier 2', exchanges: [['Tier 2 wants a view of their urgent tickets only.', 'Create a shared view with the conditions group is Tier 2 and priority is urgent, sorted by SLA due time.']] },
  { title: 'Sandbox for testing rules', exchanges: [['Is there a sandbox to test automation rules?', 'Sandboxes are part of Enterprise. On Growth, test rules with a tag condition such as "test-rule" before widening them.']] },
  { title: 'Attachment size limit', exchanges: [['A customer could not attach a 60 MB video.', 'The attachment limit is 50 MB per file. Ask for a link to a file-sharing service for larger files.']] },
  { title: 'Side conversations', exchanges: [['Can agents email the warehouse from inside a ticket?', 'Side conversations let agents email third parties from the ticket; replies stay attached to it without notifying the customer.']] },
  { title: 'Audit log', exchanges: [['Who changed our SLA policy yesterday?', 'Settings → Audit log lists configuration changes with the user, time and old and new values. Filter by "SLA policy".']] },
  { title: 'Welcome', exchanges: [['Hello, what can you help me with?', 'I answer questions about Brightdesk: setup, billing, channels, automation, reporting and the API. What are you working on?']] },
];

/** Alice's conversations. */
export const ALICE_TOPICS: readonly ShortTopic[] = [
  { title: 'Refund for an unused seat', exchanges: [['We removed an agent mid-cycle. Do we get a refund?', 'On monthly plans the removed seat is credited pro rata on the next invoice. Annual plans keep the seat until renewal.']] },
  { title: 'Instagram channel', exchanges: [['Can we answer Instagram DMs in Brightdesk?', 'Yes, connect your business account under Channels → Social. DMs become tickets and replies are sent back to Instagram.'], ['And comments on posts?', 'Comments are supported for business accounts too, as public replies.']] },
  { title: 'Password policy', exchanges: [['Can we require 14-character passwords?', 'Settings → Security → Password policy lets you set a minimum length up to 64 characters and a rotation period.']] },
];

/** Rotating exchanges of the deep conversation: a team lead's daily queue check-ins. */
export const DAILY_CHECKINS: readonly Exchange[] = [
  ['What is in the urgent queue this morning?', 'There are {n} urgent tickets: most are about delayed shipments, two are login problems.'],
  ['Anything close to breaching SLA?', '{n} tickets breach their first-response target within the next hour. The oldest has waited 3 hours 40 minutes.'],
  ['Summarize yesterday\'s backlog change.', 'The backlog went from {m} to {n} open tickets. Tier 1 solved 41 tickets, Tier 2 solved 12.'],
  ['Which macro was used most yesterday?', '"Shipping delay – new ETA" was applied {n} times, followed by "Password reset steps".'],
  ['Any tickets reopened more than twice?', '{n} tickets were reopened at least three times. All are tagged billing-dispute.'],
];
