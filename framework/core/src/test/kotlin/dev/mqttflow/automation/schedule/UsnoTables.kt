package dev.mqttflow.automation.schedule

/**
 * Published sunrise and sunset tables the sun code is checked against (here and in the scripting
 * module's wake-up tests, through the test-jar). Times are "HHMM" or "HH:MM", rise then set.
 */
object UsnoTables {
    /**
     * U.S. Naval Observatory, "Rise and Set for the Sun for 2008", Cupertino (W121°55', N37°24'),
     * zone 8h west of Greenwich (standard time all year), days 1-3 of each month, as quoted at
     * https://khuang.blogspot.com/2008/09/sunrise-sunset-time-for-one-year.html. Per day: Jan..Dec, "rise set".
     */
    val CUPERTINO_2008: Map<Int, String> = mapOf(
        1 to "0722 1700 0711 1732 0638 1802 0552 1831 0512 1858 0448 1923 " +
            "0451 1932 0512 1915 0539 1836 0604 1750 0633 1709 0704 1650",
        2 to "0722 1701 0710 1733 0637 1803 0551 1832 0511 1859 0448 1924 " +
            "0451 1932 0513 1914 0539 1834 0604 1749 0634 1708 0705 1650",
        3 to "0722 1702 0710 1734 0635 1804 0549 1833 0510 1900 0448 1924 " +
            "0452 1932 0514 1913 0540 1833 0605 1747 0635 1707 0706 1650",
    )

    /**
     * Cleveland (41.4993°N, 81.6944°W), November 2018, local clock time (EDT until the 4th), "according
     * to the United States Naval Observatory", as printed by cleveland.com:
     * https://www.cleveland.com/datacentral/2018/12/ (article
     * "getting-out-of-the-dark-cleveland-sunsets-begin-getting-later-on-saturday.html")
     */
    val CLEVELAND_NOV_2018: List<String> = listOf(
        "07:58 18:22", "08:00 18:20", "08:01 18:19", "07:02 17:18", "07:03 17:17", "07:04 17:16", "07:06 17:15",
        "07:07 17:13", "07:08 17:12", "07:09 17:11", "07:10 17:10", "07:12 17:09", "07:13 17:09", "07:14 17:08",
        "07:15 17:07", "07:17 17:06",
    )

    /** Cupertino as the 2008 table gives it (W121°55', N37°24'); its zone is UTC-8 all year. */
    val CUPERTINO: Location = Location(37.0 + 24.0 / 60, -(121.0 + 55.0 / 60))

    /** Cleveland, Ohio (41.4993°N, 81.6944°W); its zone is America/New_York. */
    val CLEVELAND: Location = Location(41.4993, -81.6944)
}
