@fixture.n8n_tier_queue
Feature: The number of local workers follows demand
  The autoscaler starts more local n8n workers when runs pile up (waiting and running runs against
  what the workers can run at once), up to a maximum and within the memory budget, and stops idle
  workers gracefully when demand is gone, down to a minimum. No run is lost or cut short.

  Scenario: A backlog scales the workers up to the maximum and idleness back down to the minimum
    Given the autoscaler keeps between 1 and 3 workers of one execution each within 2 GB
    And it waits 1 second between scale-ups and 5 seconds of low demand before scaling down
    When 12 runs of 5 seconds each are requested at once
    Then the local workers grow to 3
    And every requested run finishes successfully
    And the local workers shrink back to 1 once the queue is empty
    And every stopped worker finished its runs and exited cleanly
    And the local worker side stayed under 2 GB of memory throughout
    And each scaling decision recorded the queue and capacity it saw
