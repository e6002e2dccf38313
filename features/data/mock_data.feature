@fixture.seeded_database
Feature: Mock data for the platform
  The generator fills a platform database with a realistic history of customers, workflows,
  orders, runs and community activity. The validator reads such a database and explains in
  plain words anything that does not hold. Every scenario below looks at the same mock data,
  generated once at scale 1 with seed 2026.

  Rule: The mock data has the volumes the RFC asks for at scale 1

    Scenario: The main kinds of record have their exact volumes
      Then the mock data holds exactly 1,000 users
      And it holds exactly 200 workflows
      And it holds exactly 500 orders
      And it holds exactly 10,000 runs
      And it holds exactly 2,000 comments
      And it holds exactly 1,500 ratings
      And it holds at least 50,000 records, with some of every one of the 16 kinds

    Scenario Outline: Customers are split across the tiers exactly
      Then exactly <customers> users are on <tier>

      Examples:
        | tier    | customers |
        | Free    | 600       |
        | Pro     | 250       |
        | Premium | 120       |
        | VIP     | 30        |

  Rule: The mock data holds together

    Scenario: Every reference, unique value, moment and amount is consistent
      When the mock data is validated
      Then every reference points at something that exists
      And nothing that must be unique appears twice
      And every history happens in order: sign-up, order, payment, run, rating
      And every user's money ledger balances
      And the business rules hold for accounts, runs and the community
      And the validator reports that everything holds

  Rule: The same seed always gives the same mock data

    Scenario: Generating twice with the same seed writes identical files
      When mock data is generated twice with seed 7 at scale 1
      Then both generations wrote the same files, byte for byte
      And a manifest names the seed and a checksum for every file

  Rule: Every business scenario is present in the data as real histories

    Scenario Outline: <code> <title> is shown by at least 2 histories
      Then the mock data shows at least 2 histories of scenario <code>

      Examples: Tier journeys
        | code | title                    |
        | T1   | Sign-up                  |
        | T2   | Free to Pro              |
        | T3   | Pro to Premium mid-cycle |
        | T4   | Premium to VIP           |
        | T5   | Scheduled downgrade      |
        | T6   | Lapse                    |

      Examples: Orders and payments
        | code | title                   |
        | O1   | Renewal                 |
        | O2   | One-time purchase       |
        | O3   | Payment retry           |
        | O4   | Refund                  |
        | O5   | Idempotent confirmation |
        | O6   | VIP installments        |

      Examples: Workflow executions
        | code | title          |
        | E1   | Within quota   |
        | E2   | Quota exceeded |
        | E3   | Not entitled   |
        | E4   | Error handling |
        | E5   | Timeout        |
        | E6   | High volume    |

      Examples: Community
        | code | title      |
        | C1   | Ratings    |
        | C2   | Comments   |
        | C3   | Moderation |
        | C4   | Favorites  |

  Rule: The validator catches damaged data, even when the database no longer guards it

    Scenario: A run that belongs to a user who does not exist is reported
      Given a copy of the mock data whose runs are no longer tied to their users by the database
      And one run in the copy belongs to a user who does not exist
      When the copy is validated
      Then the validation fails
      And the report says 1 run points at a user who does not exist
      And the original mock data still validates
