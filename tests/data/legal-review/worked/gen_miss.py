def mis(id, as_of, ev, exp, why):
    rec(id, 'missing-episode', D(as_of), ev, exp, why, area='missing-episode')
RI = 'return-interview-72h'
mis('miss-01-friday-night-to-monday-night', '2024-03-31', dict(returned_from_missing='2024-03-01T22:00', return_interview='2024-03-04T21:30'),
    {RI: E('met', '2024-03-04T22:00', approximate=False)}, 'DfE statutory guidance (Jan 2014): within 72 hours of the return, clock hours, weekends counted: Fri 22:00 + 72 h = Mon 4 Mar 2024 22:00 (GMT throughout).')
mis('miss-02-half-an-hour-late', '2024-03-31', dict(returned_from_missing='2024-03-01T22:00', return_interview='2024-03-04T22:30'),
    {RI: E('late', '2024-03-04T22:00')}, 'Interview at 22:30: half an hour after the 72 hours.')
mis('miss-03-dates-only', '2024-03-31', dict(returned_from_missing='2024-03-01', return_interview='2024-03-04'),
    {RI: E('met', '2024-03-04', approximate=True)}, 'Dates only: the deadline is taken as the return date + 3 days and flagged approximate (legal-timelines s.1.1 rule 7).')
mis('miss-04-dates-only-a-day-after', '2024-03-31', dict(returned_from_missing='2024-03-01', return_interview='2024-03-05'),
    {RI: E('late', '2024-03-04', approximate=True)}, 'Dates only, interview on the 4th day after the return: after any time on day 3, so late whatever the hours (72 hours from any time on 1 Mar end by 23:59 on 4 Mar at the latest... ) - approximate.')
mis('miss-05-spring-clock-change', '2024-04-30', dict(returned_from_missing='2024-03-29T22:00', return_interview='2024-04-01T22:30'),
    {RI: E('met', '2024-04-01T23:00')}, 'Clocks went forward at 01:00 GMT on Sun 31 Mar 2024: 72 real hours from Fri 29 Mar 22:00 GMT end Mon 1 Apr 22:00 GMT = 23:00 BST (London time). An interview at 22:30 BST is in time; wall-clock arithmetic (22:00) would call it late.')
mis('miss-06-autumn-clock-change', '2024-11-30', dict(returned_from_missing='2024-10-25T22:00', return_interview='2024-10-28T21:30'),
    {RI: E('late', '2024-10-28T21:00')}, 'Clocks went back at 02:00 BST on Sun 27 Oct 2024: 72 real hours from Fri 25 Oct 22:00 BST end Mon 28 Oct 21:00 GMT; an interview at 21:30 is half an hour late (docs/rule-language.md step 8).')
mis('miss-07-interview-before-return', '2024-03-31', dict(returned_from_missing='2024-03-01T22:00', return_interview='2024-03-01T10:00'),
    {RI: E('overdue', '2024-03-04T22:00', data_quality=True)}, 'Date-times are instants: an interview at 10:00 before the return at 22:00 the same day cannot count: overdue, flagged.')
mis('miss-08-before-the-2014-guidance', '2014-06-30', dict(returned_from_missing='2013-12-31', return_interview='2014-01-06'),
    {RI: NA()}, 'The January 2014 guidance is encoded from 1 Jan 2014: a return on 31 Dec 2013 is before it (not applicable). (The June 2013 version had a 72-hour interview too, U.)')
mis('miss-09-january-2014-caveat', '2014-06-30', dict(returned_from_missing='2014-01-02T09:00', return_interview='2014-01-05T08:00'),
    {RI: E('met', '2014-01-05T09:00', caveat='January 2014')}, 'A return early in January 2014 may fall under the June 2013 version (issue day of the 2014 guidance not verified): caveat.')
mis('miss-10-utc-offset', '2024-06-30', dict(returned_from_missing='2024-06-01T12:00Z', return_interview='2024-06-04T12:30'),
    {RI: E('met', '2024-06-04T13:00')}, 'A time with Z is UTC: 12:00Z is 13:00 BST; 72 hours end Tue 4 Jun 13:00 BST; an interview at 12:30 London time is in time.')
mis('miss-11-not-yet-held', '2024-03-03', dict(returned_from_missing='2024-03-01T22:00'),
    {RI: E('due', '2024-03-04T22:00')}, 'Returned Fri 22:00, as of Sun 3 Mar: the 72 hours run to Mon 22:00: due.')
mis('miss-12-christmas-counts', '2023-12-31', dict(returned_from_missing='2023-12-23T18:00', return_interview='2023-12-27T09:00'),
    {RI: E('late', '2023-12-26T18:00')}, 'Clock hours: Christmas Day and Boxing Day count like any other day (no working-day adjustment): 72 hours from Sat 23 Dec 18:00 end Tue 26 Dec 18:00; an interview on 27 Dec is late.')
