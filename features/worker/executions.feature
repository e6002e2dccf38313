@fixture.n8n_stack
Feature: Customers' runs execute on the local worker and are recorded on the platform
  A customer's run is admitted by the platform, handed to the VPS's n8n through the workflow's
  webhook, executed by a worker on this machine, and recorded on the platform with its outcome,
  its n8n execution and the worker that ran it.

  Background:
    Given Priya is a Pro customer

  Rule: every admitted run ends recorded with how it went and where it ran

    Scenario: A run that succeeds
      When Priya runs "Wait a second" through its webhook
      Then Priya gets the workflow's answer
      And the platform records Priya's run as succeeded on a local worker
      And Priya's recorded run lasted at least 1 second

    Scenario: A run that fails at one of its steps
      When Priya runs "Charge the card" through its webhook
      Then Priya is told the run failed
      And the platform records Priya's run as failed at "Charge the card" with "card declined by the test bank"

    Scenario: A run that needs a stored credential
      When Priya runs "Call the partner API" through its webhook
      Then Priya gets the workflow's answer
      And the platform records Priya's run as succeeded on a local worker

  Rule: the worker's performance samples count the runs it finished

    Scenario: Finished runs appear in the performance samples
      When Priya runs "Wait a second" through its webhook
      And Priya runs "Charge the card" through its webhook
      Then within 20 seconds the local worker's samples count 1 completed and 1 failed run
