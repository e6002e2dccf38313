@fixture.n8n_stack_two_workers
Feature: Watching the health of the local worker side
  The local worker side answers one health endpoint: alive, ready, and metrics for monitoring.
  Ready means a worker is ready, the VPS is reachable, the queue moves and memory stays within
  budget. Workers that die come back by themselves, and every worker's performance is sampled
  into the platform database.

  Scenario: A healthy local side says it is alive and ready
    When the operator asks the local side how it is
    Then the local side answers that it is alive and ready
    And its metrics show 2 workers ready, the queue and both databases reachable

  Scenario: A queue that stops moving makes the local side unready
    Given the VPS's queue stops handing out jobs
    When Priya's run has waited longer than the stuck limit
    Then the local side says the queue is stuck and that it is not ready
    When the VPS's queue hands out jobs again
    Then the local side is ready again within 15 seconds
    And Priya's waiting run finishes

  Scenario: A worker that dies is restarted without anyone stepping in
    When one local worker is killed
    Then that worker is running and ready again within 60 seconds
    And the metrics count 1 restart of that worker

  Scenario: Every worker's performance is sampled into the platform database
    When 3 sampling intervals pass
    Then each of the 2 workers has at least 2 performance samples with its memory, readiness and the queue's size

  Scenario: The local side stays within its memory budget
    Then the whole local side uses less than 2 GB of memory
