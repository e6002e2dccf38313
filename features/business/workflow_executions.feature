@executions
Feature: Running marketplace workflows
  Customers run marketplace workflows; every run is an n8n execution. A run request is admitted
  or refused at once, and admission looks at two things only: may the customer run this
  workflow, and does the month's quota of the customer's tier still have room. Admitted runs
  wait in the queue with their tier's priority (lower numbers run first); workers then run them
  and report how they ended.

  Terms:
    - quota: runs per calendar month (UTC): Free 100, Pro 2,000, Premium 10,000, VIP unlimited
    - priority: Free 40, Pro 30, Premium 20, VIP 10
    - run timeout: Free 60 seconds, Pro 300 seconds, Premium 900 seconds, VIP 1 hour
    - the examples take place in March 2026 unless they name a day

  Rule: A run within the month's quota is queued with the tier's priority and counted

    @E1
    Scenario Outline: A <tier> customer with <used> runs started this month gets a run queued
      Given Dana is a <tier> customer
      And Dana has started <used> runs in March 2026
      When Dana runs "Lead Enrichment"
      Then Dana's run is queued with priority <priority>
      And Dana's usage in March 2026 is <after> runs

      Examples:
        | tier    | used   | priority | after  |
        | Free    | 0      | 40       | 1      |
        | Free    | 99     | 40       | 100    |
        | Pro     | 1,999  | 30       | 2,000  |
        | Premium | 9,999  | 20       | 10,000 |
        | VIP     | 12,000 | 10       | 12,001 |

  Rule: A run beyond the month's quota is refused, and the next month starts from zero

    @E2
    Scenario: A Free customer at 100 of 100 runs is refused until the month ends
      Given Dana is a Free customer
      And Dana has started 100 runs in March 2026
      When Dana runs "Lead Enrichment" on 31 March 2026
      Then Dana's run is refused: quota exceeded
      And none of Dana's runs is waiting in the queue
      And the activity feed records Dana's refused run of "Lead Enrichment": quota exceeded
      And Dana's usage in March 2026 is 100 runs
      When Dana runs "Lead Enrichment" on 1 April 2026
      Then Dana's run is queued with priority 40
      And Dana's usage in April 2026 is 1 run

  Rule: Paid workflows run only for buyers with a paid, unrefunded purchase; VIP runs every published workflow

    @E3
    Scenario Outline: A <tier> customer who <history> "Invoice Chaser" asks to run it
      Given Olga has published "Invoice Chaser" at 29 USD
      And Dana is a <tier> customer
      And Dana <history> "Invoice Chaser"
      When Dana runs "Invoice Chaser"
      Then Dana's run is <verdict>

      Examples:
        | tier    | history                | verdict                 |
        | Premium | has never bought       | refused: not entitled   |
        | Pro     | got a refund for       | refused: not entitled   |
        | Pro     | has an unpaid order for | refused: not entitled |
        | Free    | bought                 | queued with priority 40 |
        | VIP     | has never bought       | queued with priority 10 |

    @E3
    Scenario Outline: A VIP run is refused while the listing is <listing state> and the account <account state>
      Given the listing of "Lead Enrichment" is <listing state>
      And Dana is a VIP customer whose account is <account state>
      When Dana runs "Lead Enrichment"
      Then Dana's run is refused: <reason>
      And none of Dana's runs is waiting in the queue

      Examples:
        | listing state | account state | reason               |
        | draft         | active        | workflow unavailable |
        | archived      | active        | workflow unavailable |
        | published     | suspended     | account inactive     |
        | published     | deleted       | account inactive     |

  Rule: A failed run keeps what went wrong, still counts, and raises the workflow's error count

    @E4
    Scenario: A run that fails at a node keeps the error and the node
      Given Dana is a Pro customer
      And "Lead Enrichment" has 20 runs on record, 2 of them failed
      When Dana runs "Lead Enrichment"
      And a worker starts Dana's run
      And the worker reports after 12 seconds that the run failed at node "Fetch CRM contacts" with "401 Unauthorized"
      Then Dana's run has ended in error after 12 seconds
      And Dana's run keeps the error "401 Unauthorized" at node "Fetch CRM contacts"
      And Dana's usage in March 2026 is 1 run
      And Dana's run time in March 2026 is 12 seconds
      And "Lead Enrichment" has 21 runs on record, 3 of them failed

  Rule: A run longer than its tier's timeout ends as timeout, never as success

    @E5
    Scenario Outline: A <tier> run reported successful after <duration> ends in <status>
      Given Dana is a <tier> customer
      When Dana runs "Lead Enrichment"
      And a worker starts Dana's run
      And the worker reports after <duration> that the run succeeded
      Then Dana's run has ended in <status> after <duration>
      And the error count of "Lead Enrichment" is <failed>

      Examples:
        | tier    | duration    | status  | failed |
        | Free    | 60 seconds  | success | 0      |
        | Free    | 61 seconds  | timeout | 1      |
        | Pro     | 301 seconds | timeout | 1      |
        | Premium | 15 minutes  | success | 0      |
        | VIP     | 59 minutes  | success | 0      |
        | VIP     | 61 minutes  | timeout | 1      |

  Rule: However many requests arrive at once, admission never exceeds the quota

    @E6
    Scenario: 1,000 simultaneous requests from a Pro customer with 1,990 runs used admit exactly 10
      Given Dana is a Pro customer
      And Dana has started 1,990 runs in March 2026
      When Dana's automations send 1,000 run requests for "Lead Enrichment" at the same moment
      Then exactly 10 of the requests are queued and the other 990 are refused: quota exceeded
      And 10 of Dana's runs are waiting in the queue
      And Dana's usage in March 2026 is 2,000 runs
