Feature: smoke
  Scenario: the plans exist
    Then there are 4 plans, Pro costs 19 USD
