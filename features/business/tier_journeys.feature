Feature: Tier journeys
  A customer's tier decides how many workflow runs they get each calendar month and how early
  their runs are served. Free costs nothing and allows 100 runs a month; Pro (19 USD a month,
  2,000 runs) and Premium (49 USD a month, 10,000 runs) are billed monthly; VIP is a contract
  negotiated from 199 USD a month with unlimited runs served first.

  Rule: A new customer starts on Free and pays nothing

    @T1
    Scenario: T1 Signing up starts on Free with 100 runs a month
      When Amelia signs up on 2 March 2026 with these details:
        | name        | email                         | country |
        | Amelia Hart | amelia.hart@northwind.example | IE      |
      Then Amelia is on the Free tier with 100 runs a month
      And Amelia holds no paid plan
      And Amelia has been charged nothing
      And the activity feed shows that Amelia signed up

    @T1
    Scenario Outline: Sign-up details that cannot open an account are refused
      Given Bruno has an account with the email "bruno@keller-consulting.example"
      When a visitor tries to sign up as "<name>" with the email "<email>" from "<country>"
      Then the request is refused, saying "<explanation>"
      And nothing has changed on the platform

      Examples:
        | name         | email                           | country | explanation                            |
        | Lena Fischer | lena.fischer.example            | DE      | is not an email address                |
        | Lena Fischer | BRUNO@Keller-Consulting.example | DE      | already exists                         |
        | Lena Fischer | lena@fischer-design.example     | Germany | is not a two-letter country code       |
        |              | lena@fischer-design.example     | DE      | a display name has 1 to 120 characters |

  Rule: A paid plan starts as soon as its order is paid

    @T2
    Scenario: T2 Moving from Free to Pro
      Given Bruno is a Free customer
      And Bruno has ordered the Pro plan on 1 March 2026
      When the card payment of 19 USD for Bruno's order is confirmed on 1 March 2026
      Then Bruno is on the Pro tier with 2,000 runs a month
      And Bruno's Pro plan runs from 1 March 2026 to 1 April 2026
      And Bruno has been charged 19 USD once
      And the activity feed shows Bruno's tier changed from Free to Pro

  Rule: An upgrade costs the price difference for the days left, and the period keeps its end

    @T3
    Scenario: T3 Upgrading from Pro to Premium in the middle of the period
      Given Carla has been on Pro since 1 March 2026
      When Carla orders the Premium plan on 16 March 2026
      And Carla pays the order by card on 16 March 2026
      Then Carla has been charged 15.48 USD for the upgrade
      And Carla is on the Premium tier with 10,000 runs a month
      And Carla's Premium plan runs from 16 March 2026 to 1 April 2026
      And Carla's Pro plan ended as upgraded on 16 March 2026
      And Carla has never held two live plans at once

    @T3
    Scenario Outline: The upgrade price follows the days left in a 31-day period
      Given Carla has been on <current> since 1 March 2026
      When Carla orders the <wanted> plan on <day>
      Then Carla's order asks for <price>

      Examples: (new price - old price) x days left / 31, rounded to the nearest cent
        | current | wanted  | day           | price     |
        | Pro     | Premium | 1 March 2026  | 30 USD    |
        | Pro     | Premium | 2 March 2026  | 29.03 USD |
        | Pro     | Premium | 16 March 2026 | 15.48 USD |
        | Pro     | Premium | 31 March 2026 | 0.97 USD  |

    @T3
    Scenario Outline: Plan orders that are not upgrades are refused
      Given Carla has been on Premium since 1 March 2026
      When Carla tries to order the <plan> plan on 10 March 2026
      Then the request is refused, saying "<explanation>"
      And nothing has changed on the platform

      Examples:
        | plan    | explanation                                   |
        | Premium | already on Premium                            |
        | Pro     | a downgrade is scheduled                      |
        | Free    | Free needs no order                           |
        | VIP     | VIP is sold as a negotiated contract          |
        | Gold    | 'gold' is not a tier                          |

  Rule: VIP is a negotiated contract that starts once it is fully paid

    @T4
    Scenario: T4 A Premium customer becomes VIP after paying by bank transfer
      Given Victor has been on Premium since 1 March 2026
      When Victor agrees a VIP contract at 450 USD a month on 10 March 2026
      Then Victor is on the Premium tier with 10,000 runs a month
      When the bank transfer of 450 USD for Victor's order arrives on 13 March 2026
      Then Victor is on the VIP tier with unlimited runs
      And Victor's runs are queued ahead of every other tier
      And Victor's VIP plan costs 450 USD a month and runs from 13 March 2026 to 13 April 2026
      And Victor's Premium plan ended as upgraded on 13 March 2026
      And Victor has never held two live plans at once

    @T4
    Scenario Outline: A VIP contract under the minimum price is refused
      Given Victor has been on Premium since 1 March 2026
      When Victor tries to agree a VIP contract at <price> a month on 10 March 2026
      Then the request is refused, saying "a VIP contract costs at least 199.00 USD a month"
      And nothing has changed on the platform

      Examples:
        | price      |
        | 198.99 USD |
        | 0 USD      |
        | -250 USD   |

  Rule: A downgrade takes effect at the end of the paid period

    @T5
    Scenario: T5 Premium to Pro at the end of the period
      Given Dmitri has been on Premium since 1 March 2026
      When Dmitri schedules a downgrade to Pro on 10 March 2026
      And the daily billing runs on 31 March 2026
      Then Dmitri is on the Premium tier with 10,000 runs a month
      When the daily billing runs on 1 April 2026
      And Dmitri's renewal payment of 19 USD by card succeeds on 1 April 2026
      Then Dmitri is on the Pro tier with 2,000 runs a month
      And Dmitri's Premium plan ended as expired on 1 April 2026
      And Dmitri's Pro plan runs from 1 April 2026 to 1 May 2026
      And Dmitri has been charged 19 USD for the renewal

    @T5
    Scenario Outline: Downgrades that are not possible are refused
      Given Dmitri has been on <current> since 1 March 2026
      When Dmitri tries to schedule a downgrade to <target> on 10 March 2026
      Then the request is refused, saying "<explanation>"
      And nothing has changed on the platform

      Examples:
        | current | target  | explanation                  |
        | Pro     | Premium | Premium is not below Pro     |
        | Premium | Premium | Premium is not below Premium |
        | Free    | Pro     | has no plan to downgrade     |

  Rule: An unpaid renewal makes the plan past due, and after 7 days of grace the customer is back on Free

    @T6
    Scenario: T6 Three declined renewals, then back on Free
      Given Elena has been on Premium since 1 March 2026
      And Elena has started 150 runs in April 2026
      When the daily billing runs on 1 April 2026
      And Elena's renewal payment by card is declined on 1 April 2026 because "card expired"
      And Elena's renewal payment by card is declined on 3 April 2026 because "card expired"
      And Elena's renewal payment by card is declined on 6 April 2026 because "insufficient funds"
      And the daily billing runs on 7 April 2026
      Then Elena's Premium plan is past due since 1 April 2026
      And Elena is on the Premium tier with 10,000 runs a month
      When the daily billing runs on 8 April 2026
      Then Elena's Premium plan ended as canceled on 8 April 2026
      And Elena is on the Free tier with 100 runs a month
      And Elena's renewal order has failed
      And the activity feed shows Elena's tier changed from Premium to Free
      And Elena's next run on 9 April 2026 is refused because her monthly runs are used up

    @T6
    Scenario: A renewal cannot be paid once the grace period is over
      Given Elena has been on Premium since 1 March 2026
      When the daily billing runs on 1 April 2026
      And Elena's renewal payment by card is declined on 1 April 2026 because "card expired"
      And the provider tries to confirm a card payment of 49 USD for Elena's order on 9 April 2026
      Then the request is refused, saying "the grace period for this renewal ended"
      And nothing has changed on the platform
