@resilience
Feature: Mistakes an operator makes get a clear answer and change nothing
  Whoever generates mock data can mistype an option or point the generator at the wrong
  database. The generator then explains the mistake in one sentence and leaves every database
  exactly as it was. It never loads into a database that holds someone else's data or looks
  like production, unless the operator explicitly forces it.

  Rule: A mistyped option is explained, and no database is touched

    Scenario Outline: <mistake> is explained
      Given a scratch database holding mock data from seed 7
      When the operator loads mock data with <options>
      Then the operator is told "<explanation>"
      And the scratch database holds exactly what it held before

      Examples:
        | mistake                                 | options                              | explanation                        |
        | A scale of zero                         | the scale "0"                        | scale must be between 1 and 50     |
        | A scale far too large                   | the scale "1e400"                    | scale must be between 1 and 50     |
        | A scale that is not a number            | the scale "lots"                     | 'lots' is not a number             |
        | A seed that is not a whole number       | the seed "4.5"                       | invalid int value: '4.5'           |
        | An output folder inside a file          | the output folder "/etc/hostname/x"  | cannot write to /etc/hostname/x    |

  Rule: The generator never loads into a database that is not meant for it, unless forced

    Scenario Outline: A database whose name says "<word>" is refused
      Given a scratch database whose name contains "<word>"
      When the operator loads mock data into it
      Then the load is refused, saying the database looks like production
      And the scratch database holds exactly what it held before

      Examples:
        | word       |
        | production |
        | prod       |
        | live       |

    Scenario: A database holding a real customer's account is refused
      Given a scratch database holding a real customer's account
      When the operator loads mock data into it
      Then the load is refused, saying the database holds data the seeder did not create
      And the scratch database holds exactly what it held before

    Scenario: An operator who forces the load replaces what the database held
      Given a scratch database holding a real customer's account
      When the operator loads mock data into it, forcing it
      Then the load succeeds
      And the scratch database holds the mock data from seed 1
