// Word lists shared by the demo-ad templates.

export const COLOURS = ['black', 'white', 'grey', 'navy', 'red', 'green', 'blue', 'beige', 'brown', 'silver', 'yellow', 'teal'];

export const CONDITIONS = [
  { value: 'new', label: 'brand new', note: 'Still in the original box.' },
  { value: 'like-new', label: 'like new', note: 'Used only a handful of times, no marks.' },
  { value: 'good', label: 'good condition', note: 'Some light signs of use but works perfectly.' },
  { value: 'fair', label: 'fair condition', note: 'Shows its age with a few scratches, fully working.' },
  { value: 'for-parts', label: 'for parts or repair', note: 'Not working as it should, priced accordingly.' },
] as const;

/** Weighted towards the middle: most second-hand things are in good condition. */
export const CONDITION_WEIGHTS = [1, 3, 5, 2, 0.5];

export const NEIGHBOURHOODS = [
  'Old Town', 'Riverside', 'North End', 'South Side', 'University District', 'Harbour View', 'Market Square', 'Hillcrest',
  'Westside', 'Eastgate', 'Parkview', 'Lakeside', 'Station Quarter', 'Greenfield', 'City Centre', 'Oakwood', 'Millbrook',
  'Cathedral Quarter', 'Garden District', 'Sunnyside', 'Brookfield', 'Kingsway', 'Meadowbank', 'Fairview',
];

export const FIRST_NAMES = [
  'alex', 'sam', 'maria', 'li', 'ahmed', 'fatima', 'john', 'priya', 'carlos', 'ana', 'yuki', 'olga', 'kwame', 'amara',
  'lucas', 'emma', 'noah', 'sofia', 'omar', 'mei', 'ivan', 'leila', 'david', 'chen', 'grace', 'raj', 'nina', 'tomas',
];

export const LAST_NAMES = [
  'smith', 'garcia', 'kim', 'nguyen', 'khan', 'silva', 'mueller', 'rossi', 'ivanova', 'okafor', 'tanaka', 'dubois',
  'kowalski', 'haddad', 'patel', 'santos', 'jensen', 'novak', 'mensah', 'lopez', 'wang', 'brown', 'costa', 'ali',
];

// RFC 2606 reserved domains: demo addresses can never reach a real inbox.
export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];

/** Sentences that end almost any ad; the generator adds 1-3 of them. */
export const CLOSING_SENTENCES = [
  'Message me with any questions.',
  'Serious enquiries only, please.',
  'Happy to send more photos on request.',
  'Available most evenings and weekends.',
  'First come, first served.',
  'Please reply through the site and I will get back to you the same day.',
  'No holds without a deposit, sorry.',
  'Can meet somewhere public if you prefer.',
  'Check my other listings too.',
  'Thanks for looking!',
];

export const SALE_CLOSINGS = [
  'Pick up only.',
  'Price is firm.',
  'Price is slightly negotiable.',
  'Cash or bank transfer on collection.',
  'Can deliver locally for a small fee.',
  'Moving soon, so it has to go.',
];

export const JOB_CLOSINGS = [
  'Send a short CV and a few lines about yourself through the site.',
  'Interviews are held next week.',
  'Start date is flexible for the right person.',
  'We reply to every applicant.',
];
