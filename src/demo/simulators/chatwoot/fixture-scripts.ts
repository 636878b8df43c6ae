/**
 * The conversation texts of the Chatwoot demo account, as small scripts. Each line is who
 * speaks and what they say; `fixtures.ts` turns them into timed messages with global ids.
 *
 * Speakers: `c` the contact, `a` the assigned agent, `b` an agent bot, `q` a Captain assistant,
 * `n` a private note by the assigned agent, `x` an activity message (no sender), `t` a template
 * message (no sender). `{agent}` and `{contact}` are replaced by the names of the participants.
 * `['wait', hours]` puts a pause of that many hours before the next line.
 */

/** A file the line carries, rendered as a Chatwoot attachment. */
export interface ScriptAttachment {
  /** Chatwoot's `file_type` (app/helpers/file_type_helper.rb). */
  fileType: 'image' | 'video' | 'audio' | 'file';
  fileName: string;
  /** Bytes. */
  size: number;
  width?: number;
  height?: number;
}

/** Who says a line (see the file header). */
export type Speaker = 'c' | 'a' | 'b' | 'q' | 'n' | 'x' | 't';

/** One line of a script, optionally with a file, or a pause in hours. */
export type ScriptLine =
  | readonly [Speaker, string]
  | readonly [Speaker, string, ScriptAttachment]
  | readonly ['wait', number];

/** A short thread plus, for email inboxes, the mail subject Chatwoot keeps on the conversation. */
export interface Script {
  subject?: string;
  lines: readonly ScriptLine[];
}

const resolved = (): ScriptLine => ['x', 'Conversation was marked resolved by {agent}'];

/** The demo contact's long support thread (Website inbox): bots, notes, files, activity. */
export const LONG_SCRIPT: Script = {
  lines: [
    ['c', 'Hi, my Nestor T3 thermostat keeps dropping off the Wi-Fi. The app says "device offline" several times a day.'],
    ['b', "Thanks for reaching out! I'm Helper Bot. While I find an agent, could you tell me the firmware version under Settings → About?"],
    ['c', 'It says 4.2.1'],
    ['b', 'Got it. 4.2.1 had a known issue with some 5 GHz networks. Is your thermostat on a 2.4 GHz or a 5 GHz network?'],
    ['c', 'No idea honestly. How do I check?'],
    ['b', "I'll hand you over to a specialist who can walk you through it."],
    ['x', 'Assigned to {agent} by Helper Bot'],
    ['a', "Hi! {agent} here from the device support team. Sorry about the disconnects, let's get this sorted."],
    ['a', "Could you check the network names your router broadcasts? Many routers add '-5G' to the 5 GHz one."],
    ['c', "There's 'HomeNet' and 'HomeNet-5G'."],
    ['a', 'And which one does the thermostat show under Settings → Network?'],
    ['c', 'HomeNet'],
    ['a', "OK, so it's on 2.4 GHz, which rules out the 5 GHz bug. How far is the thermostat from the router?"],
    ['c', 'Two floors up, maybe 12 metres. There is a concrete ceiling in between.'],
    ['n', 'Signal strength is probably the culprit. Pulling telemetry for serial NT3-88217-B.'],
    ['n', 'Telemetry: RSSI between -78 and -84 dBm over the last 7 days, 14 reconnects yesterday.'],
    ['a', 'I looked at the diagnostics: the Wi-Fi signal at the thermostat is weak (around -80 dBm). Anything under -75 tends to cause drops.'],
    ['c', 'That makes sense. Can I fix that without moving the router?'],
    ['a', "Two options: a mesh node on the middle floor, or 'Low-power Wi-Fi' mode in the thermostat, which holds a weak connection better."],
    ['c', "Let's try the setting first. Where is it?"],
    ['a', 'Settings → Network → Advanced → Low-power Wi-Fi. Toggle it on and the thermostat will reconnect once.'],
    ['c', 'Done. It reconnected. Fingers crossed!'],
    ['a', "Perfect. I'll keep this conversation open for a couple of days so we can see whether the drops stop."],
    ['x', '{agent} added wifi'],
    ['wait', 20],
    ['c', 'Morning! It dropped twice overnight, but less than before.'],
    ['c', "Here's a screenshot of the connection history from the app.", { fileType: 'image', fileName: 'connection-history.png', size: 248113, width: 1170, height: 2532 }],
    ['a', "Thanks for the screenshot, that's really helpful. Both drops were around 02:00, which is when many routers run automatic channel optimisation."],
    ['a', "Does your router have a setting called 'auto channel' or 'smart connect'?"],
    ['c', "Found it, 'Smart Connect' is on. Should I turn it off?"],
    ['a', 'Yes please, and pin the 2.4 GHz band to channel 1, 6 or 11, whichever your router reports as least crowded.'],
    ['c', 'Set it to channel 6.'],
    ['n', 'If this does not help, offer the mesh extender with the loyalty discount (code MESH-LOYAL-15). Customer since 2023.'],
    ['a', "Great. Let's give it another day."],
    ['b', 'Reminder: you can reply here at any time and an agent will pick up your message.'],
    ['wait', 22],
    ['c', 'No drops last night at all! 🎉'],
    ['a', 'Fantastic news! So it was the router hopping channels.'],
    ['c', 'One more thing: the heating schedule reset itself after one of the drops last week. Is that normal?'],
    ['a', 'It should not happen. A schedule reset usually means the thermostat rebooted rather than just losing Wi-Fi. Did the display ever show the setup screen?'],
    ['c', 'Yes, once. It showed the language selection screen.'],
    ['n', 'Language screen means a cold boot. Suspect brown-out; ask about the C-wire.'],
    ['a', 'That is a useful detail. Does your thermostat have a C-wire (common wire) connected, or does it run on power stealing?'],
    ['c', 'I have no idea, the installer did it.'],
    ['a', 'No problem. Could you send a photo of the wiring behind the faceplate? It pulls straight off the base, it is held by magnets.'],
    ['c', 'Here you go.', { fileType: 'image', fileName: 'wiring-backplate.jpg', size: 1482339, width: 3024, height: 4032 }],
    ['a', 'Thanks! I can see wires in R, W1 and G, but the C terminal is empty. Without it the thermostat draws power through the heating circuit and can brown out during long heating cycles.'],
    ['c', 'Ah. Is that dangerous?'],
    ['a', 'Not dangerous at all, just annoying. The fix is a power adapter kit that supplies a common wire, free under your warranty.'],
    ['c', 'Oh nice, how do I get it?'],
    ['a', "I'll raise a warranty order now. Is your shipping address still 14 Birch Lane, Springfield?"],
    ['c', "Yes, that's right."],
    ['x', '{agent} added warranty'],
    ['n', 'Warranty order WR-2026-0142 created: adapter kit PAK-2, standard shipping.'],
    ['a', "Done! Here's the warranty order confirmation. The kit should arrive in 3 to 5 business days.", { fileType: 'file', fileName: 'warranty-order-WR-2026-0142.pdf', size: 84211 }],
    ['c', 'Thank you so much!'],
    ['q', 'Installation tip: the adapter kit connects between the furnace transformer and the thermostat base. The illustrated guide is at help.example.com/pak-2 and takes about 15 minutes.'],
    ['wait', 96],
    ['c', "The kit arrived. I followed the guide and the thermostat now shows 'C-wire detected'."],
    ['a', 'Brilliant! With steady power it will not reboot any more, and your schedule stays put.'],
    ['c', 'Should I turn Low-power Wi-Fi back off?'],
    ['a', 'You can leave it on, it has no downside with a C-wire connected. Anything else I can help with?'],
    ['c', 'No, that is everything. Thanks for your patience!'],
    ['a', 'My pleasure! I will mark this as resolved, just reply here if anything comes up.'],
    resolved(),
    ['t', 'Please rate the conversation'],
    ['wait', 5],
    ['c', 'Actually, one quick question: the app asks me to update to firmware 4.3.0. Is that safe?'],
    ['x', 'Conversation was reopened by {contact}'],
    ['a', 'Yes, 4.3.0 is safe and improves Wi-Fi stability further. It takes about 5 minutes and keeps your schedule.'],
    ['c', 'Updating now.'],
    ['c', 'All done, running 4.3.0.'],
    ['a', 'Perfect, you are all set then. Have a warm week!'],
    ['n', 'Customer happy. Keep open until tomorrow in case the update misbehaves, then resolve.'],
  ],
};

/** Short threads, reused across contacts. */
export const SCRIPTS: Record<string, Script> = {
  login: {
    lines: [
      ['c', "I can't log in to the app, it says my password is wrong but I just reset it."],
      ['a', 'Sorry about that! Did you reset it from the email link or from inside the app?'],
      ['c', 'From the email link, about ten minutes ago.'],
      ['a', 'The app may still hold an old session. Please sign out completely, force-close the app and sign in again.'],
      ['c', 'That worked, thanks!'],
    ],
  },
  'invoice-copy': {
    subject: 'Copy of invoice INV-20417',
    lines: [
      ['c', 'Hello, could you send me a copy of invoice INV-20417? Our accounting team needs it with the company VAT number.'],
      ['a', 'Of course. Which VAT number should appear on it?'],
      ['c', 'DE 298 114 572, company name Mendes Design GmbH.'],
      ['n', 'Reissued INV-20417 with the VAT id in billing admin.'],
      ['a', 'Done, the corrected invoice is on its way to your billing address by email.'],
      ['c', 'Received, thank you!'],
    ],
  },
  'shipping-delay': {
    lines: [
      ['c', 'My order #58213 was supposed to arrive on Monday and the tracking has not moved since Friday.'],
      ['a', 'Let me check with the carrier.'],
      ['n', 'Carrier says parcel stuck at the Leipzig hub after a scanner outage.'],
      ['a', 'The parcel is at the regional hub, the carrier had a scanning outage. It should move within 24 hours.'],
      ['c', 'OK, thanks for checking.'],
      ['a', 'If it has not moved by tomorrow evening, reply here and I will ship a replacement.'],
    ],
  },
  'damaged-speaker': {
    subject: 'Speaker arrived with a cracked grille',
    lines: [
      ['c', 'The Aria mini speaker I received has a cracked front grille. Photo attached.', { fileType: 'image', fileName: 'cracked-grille.jpg', size: 912440, width: 2048, height: 1536 }],
      ['a', 'I am sorry it arrived like that. Would you prefer a replacement or a refund?'],
      ['c', 'A replacement, please. I like the speaker otherwise.'],
      ['n', 'Replacement RMA-7781 approved, no return needed (damage under 50 EUR threshold).'],
      ['a', 'A replacement is on its way, and there is no need to send the damaged one back.'],
      ['c', 'Great service, thanks!'],
    ],
  },
  'plug-pairing': {
    lines: [
      ['c', 'My new smart plug will not pair, the light just blinks blue.'],
      ['b', 'Blinking blue means the plug is in pairing mode. Is your phone on the same 2.4 GHz network?'],
      ['c', 'Yes it is.'],
      ['a', 'Please hold the button for 10 seconds until the light blinks red, then try pairing again.'],
      ['c', 'Red blinking now... and it paired. Thanks!'],
    ],
  },
  'double-charge': {
    subject: 'Double charge on my March invoice',
    lines: [
      ['c', 'I was charged twice for my March subscription, 9.99 EUR on the 1st and again on the 2nd.'],
      ['a', 'Thanks for letting us know. I can see two payments on your account, one of them is a retry that should have been cancelled.'],
      ['n', 'Refund of duplicate charge ch_3Pq8 issued in the payment dashboard.'],
      ['a', 'I have refunded the duplicate payment. It will show on your statement within 5 to 7 business days.'],
      ['c', 'Perfect, thank you for the quick help.'],
      resolved(),
    ],
  },
  'bot-after-hours': {
    lines: [
      ['c', 'Hi, is anyone there? I have a question about my warranty.'],
      ['b', 'Our team is offline right now (opening hours are 8:00 to 18:00 CET). Leave your question and we will reply in the morning.'],
      ['c', 'My kettle stopped heating after 14 months. Is that still covered?'],
      ['b', 'Thanks! I have noted your question and an agent will follow up.'],
    ],
  },
  'address-change': {
    lines: [
      ['c', 'Can I still change the delivery address of my order? I am moving next week.'],
      ['a', 'If it has not shipped yet, yes. What is the new address?'],
      ['c', 'Calle de Alcalá 112, 28009 Madrid.'],
      ['a', 'Updated! Since the move is next week I will check back with you after the parcel ships.'],
      ['x', '{agent} snoozed this conversation'],
    ],
  },
  'gift-card': {
    lines: [
      ['c', 'How do I check the balance of a gift card?'],
      ['b', 'You can see it under Account → Gift cards, or type the card code here and I will look it up.'],
      ['c', 'GC-4471-9930'],
      ['a', 'That card has 37.50 EUR left and is valid until December 2027.'],
      ['c', 'Thanks!'],
      resolved(),
    ],
  },
  'password-reset': {
    lines: [
      ['c', 'The password reset email never arrives.'],
      ['a', 'Could you check the spam folder? The sender is no-reply@example.com.'],
      ['c', 'Not there either.'],
      ['n', 'Mail log shows a hard bounce: mailbox full.'],
      ['a', 'Our mail server reports that your mailbox is full. Once you free up some space I can send the link again.'],
      ['c', 'Cleared it out, and the email just arrived. Thanks!'],
      resolved(),
    ],
  },
  'warranty-question': {
    subject: 'Warranty for a gift from abroad',
    lines: [
      ['c', 'I received one of your blenders as a gift from the US. Is the warranty valid in Europe?'],
      ['a', 'Our warranty is international, so yes. You only need the serial number, no receipt.'],
      ['c', 'Good to know. The serial is BL-US-220931.'],
      ['a', 'Thanks, I have registered it to your account.'],
    ],
  },
  'api-limits': {
    lines: [
      ['c', 'What are the rate limits of your order API? We keep getting HTTP 429.'],
      ['q', 'The order API allows 600 requests per minute per key. A 429 answer carries a Retry-After header telling you how long to wait.'],
      ['c', 'Can the limit be raised for our integration?'],
      ['q', 'Higher limits are available on the Business plan. I have asked a colleague to follow up with the details.'],
    ],
  },
};
