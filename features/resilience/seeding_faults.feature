@resilience
Feature: Loading mock data survives a database that drops its connections
  The seeder loads all of its data in one go. When the database cuts the loader off half way
  (a restart, a failover, an administrator ending sessions), the database is left exactly as it
  was, the operator reads one clear sentence, and loading again afterwards simply works.

  Rule: A load that is cut off half way changes nothing

    Scenario: The connection is cut while an empty database is being filled
      Given a scratch database with the platform's tables and no data
      When mock data from seed 8 is loaded while the database keeps cutting the loader off
      Then the operator is told that the load failed and nothing was changed
      And the scratch database holds exactly what it held before

    Scenario: The connection is cut while earlier mock data is being replaced
      Given a scratch database holding mock data from seed 7
      When mock data from seed 8 is loaded while the database keeps cutting the loader off
      Then the operator is told that the load failed and nothing was changed
      And the scratch database holds exactly what it held before

  Rule: After an interruption, the next load succeeds without any repair

    Scenario: Loading again once the database is stable
      Given a scratch database holding mock data from seed 7
      And a load of mock data from seed 8 was cut off half way
      When mock data from seed 8 is loaded
      Then the load succeeds
      And the scratch database holds the mock data from seed 8
