@fixture.n8n_stack
Feature: Checking the local worker's connection to the VPS before it starts
  Before a local worker joins the VPS's n8n, the operator runs a check. Within seconds it says
  whether the worker reaches the VPS's queue and databases with the right secrets, and when it
  does not, it names the setting to fix. It never shows a secret.

  Scenario: A local worker configured like the VPS passes the check
    When the operator checks the local worker's connection
    Then the check passes
    And the check confirms the queue, n8n's database, the encryption key and the platform's tables

  Rule: each wrong setting is named, with its fix, within seconds

    Scenario Outline: <problem> is reported
      Given the local worker is configured with <problem>
      When the operator checks the local worker's connection
      Then the check fails within 10 seconds
      And the check explains "<explanation>"
      And the check shows no password and no encryption key

      Examples:
        | problem                                 | explanation                                     |
        | a wrong queue password                  | Redis refused the credentials                   |
        | a wrong database password               | PostgreSQL refused the password                 |
        | a queue host that does not answer       | cannot connect within 3 s                       |
        | a database host that does not answer    | cannot connect within 3 s                       |
        | another installation's encryption key   | does not decrypt the VPS's stored credentials   |
        | a platform database without its tables  | tables are missing                              |
        | a database port that is not a number    | DB_POSTGRESDB_PORT must be a whole number       |
