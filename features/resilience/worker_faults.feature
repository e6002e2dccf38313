@resilience @fixture.resilience_stack
Feature: No accepted run is lost when the local worker side breaks
  Customers' runs travel through n8n's queue to the local workers. A worker can be killed
  outright (out of memory, a pulled plug), the queue can restart, and customers can send far
  more runs than the workers can take at once, the databases can drop their connections.
  Whatever happens, every run n8n accepted ends
  with a final outcome on the platform, killed workers come back without anyone stepping in,
  and the queue keeps moving.

  Glossary:
    accepted run  - a run the platform admitted and n8n took onto its queue
    final outcome - success, error, timeout or crashed; never left waiting or running
    local side    - the local n8n workers and the service that supervises them

  Background:
    Given a VIP customer whose workflow runs on two local workers taking two runs each

  Rule: A worker killed in the middle of a run comes back by itself, and its run is not forgotten

    Scenario: A worker is killed outright while it runs a customer's workflow
      Given a customer's run is being executed by one of the workers
      When that worker is killed without warning
      And 4 more runs are requested right away
      Then the supervisor has the worker running again within 10 seconds
      And the runs requested after the kill finish successfully
      And the killed run ends with a final outcome on the platform within 3 minutes

  Rule: A restart of the queue loses no accepted run

    Scenario: The queue restarts while customers keep requesting runs
      When customers request runs faster than the workers can take them, for 20 seconds
      And the queue goes down for 3 seconds, 5 seconds into the stream, with runs waiting in it
      Then the local side reports that it is not ready during the outage, and ready again after it
      And every accepted run ends with a final outcome on the platform within 2 minutes
      And every accepted run finished successfully

  Rule: Databases dropping their connections lose no accepted run

    Scenario: n8n's database and the platform's drop every connection, again and again
      When customers request runs faster than the workers can take them, for 20 seconds
      And both databases drop every connection every 2 seconds, from 5 to 15 seconds into the stream
      Then every accepted run ends with a final outcome on the platform within 3 minutes
      And the local side is ready again within 30 seconds of the last drop

  Rule: A burst far above capacity drains, within the memory budget

    Scenario: Fifteen times more runs than the workers can take at once
      When 60 runs are requested at the same moment
      Then every accepted run ends with a final outcome on the platform within 3 minutes
      And every accepted run finished successfully
      And the local side stayed under 2 GB of memory throughout
      And the queue is empty afterwards
