Feature: smoke
  Scenario: the plans exist
    Then there are 4 plans
